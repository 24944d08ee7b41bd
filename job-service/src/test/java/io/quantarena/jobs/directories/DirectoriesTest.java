package io.quantarena.jobs.directories;

import io.quantarena.contracts.files.MissingDirectoryException;
import io.quantarena.jobs.JobServiceApplication;
import io.quantarena.testinfra.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectoriesTest {

    @Test
    void theDefaultsAreAbsoluteAndUnderTheQuantarenaHome() throws IOException {
        DirectoryProperties p = boundWithoutOverrides();
        Path home = Path.of(System.getProperty("user.home"), ".quantarena");
        assertThat(Path.of(p.modelsDir())).isAbsolute().isEqualTo(home.resolve("models"));
        assertThat(Path.of(p.datasetsDir())).isAbsolute().isEqualTo(home.resolve("datasets"));
        assertThat(Path.of(p.storeDir())).isAbsolute().isEqualTo(home.resolve("store"));
        assertThat(List.of(p.modelsDir(), p.datasetsDir(), p.storeDir())).noneMatch(d -> d.contains("shared") || d.contains(".."));
        if (System.getenv("QUANTARENA_HOME") == null) {
            // the record's own fallback (no job-service.yml) is the same scheme
            assertThat(new DirectoryProperties(null, null, " ")).isEqualTo(p);
        }
    }

    @Test
    void checksEachDirectoryAndCreatesTheStore(@TempDir Path tmp) throws IOException {
        Path models = Files.createDirectory(tmp.resolve("models"));
        Directories d = new Directories(new DirectoryProperties(models.toString(), tmp.resolve("x/store").toString(),
                tmp.resolve("no-datasets").toString()));
        assertThat(d.models()).isEqualTo(models);
        assertThat(d.store()).isEqualTo(tmp.resolve("x/store")).isDirectory();
        // optional: a warning, not a failure
        assertThat(d.datasets()).isEqualTo(tmp.resolve("no-datasets")).doesNotExist();

        String missing = tmp.resolve("no-models").toString();
        assertThatThrownBy(() -> new Directories(new DirectoryProperties(missing, tmp.resolve("store").toString(), null)))
                .isInstanceOf(MissingDirectoryException.class)
                .hasMessageContaining("quantarena.models-dir is '" + missing + "'").hasMessageContaining("base models");
    }

    @Test
    void startUpFailsNamingAMissingModelsDirectory(@TempDir Path tmp) {
        String missing = tmp.resolve("no-models").toString();
        List<String> args = new ArrayList<>(List.of("--spring.config.name=" + JobServiceApplication.CONFIG_NAME,
                "--server.port=0", "--quantarena.models-dir=" + missing, "--quantarena.store-dir=" + tmp.resolve("store"),
                "--quantarena.datasets-dir=" + tmp));
        TestInfrastructure.springProperties(TestInfrastructure.freshDatabase("directories"))
                .forEach((k, v) -> args.add("--" + k + "=" + v));
        assertThatThrownBy(() -> new SpringApplicationBuilder(JobServiceApplication.class).web(WebApplicationType.SERVLET)
                .run(args.toArray(String[]::new)).close())
                .rootCause().isInstanceOf(MissingDirectoryException.class)
                .hasMessageContaining("quantarena.models-dir is '" + missing + "'")
                .hasMessageContaining("not an existing directory").hasMessageContaining("QUANTARENA_MODELSDIR");
    }

    /** job-service.yml alone, as a service started with no settings binds it (environment variables are overrides). */
    static DirectoryProperties boundWithoutOverrides() throws IOException {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        String yml = JobServiceApplication.CONFIG_NAME + ".yml";
        new YamlPropertySourceLoader().load(yml, new ClassPathResource(yml)).forEach(env.getPropertySources()::addLast);
        return Binder.get(env).bind("quantarena", DirectoryProperties.class).get();
    }
}
