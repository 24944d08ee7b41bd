package io.quantarena.quantworker;

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

class QuantWorkerDirectoriesTest {

    @Test
    void theDefaultsAreAbsoluteAndUnderTheQuantarenaHome() throws IOException {
        QuantWorkerProperties p = boundWithoutOverrides();
        Path home = Path.of(System.getProperty("user.home"), ".quantarena");
        assertThat(Path.of(p.modelsDir())).isAbsolute().isEqualTo(home.resolve("models"));
        assertThat(Path.of(p.datasetsDir())).isAbsolute().isEqualTo(home.resolve("datasets"));
        assertThat(Path.of(p.storeDir())).isAbsolute().isEqualTo(home.resolve("store"));
        assertThat(List.of(p.modelsDir(), p.datasetsDir(), p.storeDir())).noneMatch(d -> d.contains("shared") || d.contains(".."));
        if (System.getenv("QUANTARENA_HOME") == null) {
            assertThat(new QuantWorkerProperties(null, null, null, p.threads())).isEqualTo(p);
        }
    }

    @Test
    void aMissingDatasetsDirectoryIsOnlyAWarningAndTheStoreIsCreated(@TempDir Path tmp) throws IOException {
        Path models = Files.createDirectory(tmp.resolve("models"));
        ModelStore store = new ModelStore(new QuantWorkerProperties(models.toString(), tmp.resolve("s/store").toString(),
                tmp.resolve("no-data").toString(), 1));
        assertThat(tmp.resolve("s/store")).isDirectory();
        assertThatThrownBy(() -> store.dataset("calibration.txt")).hasMessageContaining("does not exist");
    }

    @Test
    void startUpFailsNamingAMissingModelsDirectory(@TempDir Path tmp) {
        String missing = tmp.resolve("no-models").toString();
        assertThatThrownBy(() -> new SpringApplicationBuilder(QuantWorkerApplication.class).run(
                "--spring.config.name=" + QuantWorkerApplication.CONFIG_NAME, "--server.port=0",
                // never reached: start-up stops before the bindings connect
                "--spring.cloud.stream.kafka.binder.brokers=localhost:1",
                "--quantarena.models-dir=" + missing, "--quantarena.datasets-dir=" + tmp,
                "--quantarena.store-dir=" + tmp.resolve("store")).close())
                .rootCause().isInstanceOf(MissingDirectoryException.class)
                .hasMessageContaining("quantarena.models-dir is '" + missing + "'")
                .hasMessageContaining("not an existing directory").hasMessageContaining("QUANTARENA_MODELSDIR");
    }

    /** quant-worker.yml alone, as a service started with no settings binds it (environment variables are overrides). */
    private static QuantWorkerProperties boundWithoutOverrides() throws IOException {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        String yml = QuantWorkerApplication.CONFIG_NAME + ".yml";
        new YamlPropertySourceLoader().load(yml, new ClassPathResource(yml)).forEach(env.getPropertySources()::addLast);
        return Binder.get(env).bind("quantarena", QuantWorkerProperties.class).get();
    }
}
