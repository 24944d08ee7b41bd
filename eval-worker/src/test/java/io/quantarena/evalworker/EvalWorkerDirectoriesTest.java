package io.quantarena.evalworker;

import io.quantarena.contracts.files.MissingDirectoryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvalWorkerDirectoriesTest {

    @Test
    void theDefaultsAreAbsoluteAndUnderTheQuantarenaHome() throws IOException {
        EvalWorkerProperties p = boundWithoutOverrides();
        Path home = Path.of(System.getProperty("user.home"), ".quantarena");
        assertThat(Path.of(p.modelsDir())).isAbsolute().isEqualTo(home.resolve("models"));
        assertThat(Path.of(p.datasetsDir())).isAbsolute().isEqualTo(home.resolve("datasets"));
        assertThat(Path.of(p.storeDir())).isAbsolute().isEqualTo(home.resolve("store"));
        assertThat(List.of(p.modelsDir(), p.datasetsDir(), p.storeDir())).noneMatch(d -> d.contains("shared") || d.contains(".."));
        if (System.getenv("QUANTARENA_HOME") == null) {
            EvalWorkerProperties fallback = new EvalWorkerProperties(null, null, null, p.threads(), p.toolVersion());
            assertThat(fallback).isEqualTo(p);
        }
    }

    @Test
    void theModelsAndDatasetsMustExistAndTheStoreIsCreated(@TempDir Path tmp) throws IOException {
        Path models = Files.createDirectory(tmp.resolve("models"));
        Path data = Files.createDirectory(tmp.resolve("data"));
        WorkerFiles files = new WorkerFiles(new EvalWorkerProperties(models.toString(), tmp.resolve("s/store").toString(),
                data.toString(), 1, "v"));
        assertThat(files.storeDir()).isEqualTo(tmp.resolve("s/store")).isDirectory();
        String missing = tmp.resolve("no-data").toString();
        assertThatThrownBy(() -> new WorkerFiles(new EvalWorkerProperties(models.toString(), tmp.toString(), missing, 1, "v")))
                .isInstanceOf(MissingDirectoryException.class)
                .hasMessageContaining("quantarena.datasets-dir is '" + missing + "'").hasMessageContaining("evaluation texts");
    }

    @Test
    void startUpFailsNamingAMissingModelsDirectory(@TempDir Path tmp) {
        String missing = tmp.resolve("no-models").toString();
        assertThatThrownBy(() -> new SpringApplicationBuilder(EvalWorkerApplication.class).run(
                "--spring.config.name=" + EvalWorkerApplication.CONFIG_NAME, "--server.port=0",
                // never reached: start-up stops before the bindings connect
                "--spring.cloud.stream.kafka.binder.brokers=localhost:1",
                "--quantarena.models-dir=" + missing, "--quantarena.datasets-dir=" + tmp,
                "--quantarena.store-dir=" + tmp.resolve("store")).close())
                .rootCause().isInstanceOf(MissingDirectoryException.class)
                .hasMessageContaining("quantarena.models-dir is '" + missing + "'")
                .hasMessageContaining("not an existing directory").hasMessageContaining("QUANTARENA_MODELSDIR");
    }

    /** eval-worker.yml alone, as a service started with no settings binds it (environment variables are overrides). */
    private static EvalWorkerProperties boundWithoutOverrides() throws IOException {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        String yml = EvalWorkerApplication.CONFIG_NAME + ".yml";
        new YamlPropertySourceLoader().load(yml, new ClassPathResource(yml)).forEach(env.getPropertySources()::addLast);
        return Binder.get(env).bind("quantarena", EvalWorkerProperties.class).get();
    }
}
