package io.quantarena.inferenceworker;

import io.quantarena.contracts.files.MissingDirectoryException;
import io.quantarena.inferenceworker.engine.ModelCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InferenceWorkerDirectoriesTest {

    private static final Path MODEL = Path.of(System.getProperty("quantarena.shared", "../../shared"))
            .resolve("models/tiny-llama4-bf16.gguf").toAbsolutePath().normalize();

    @Test
    void theDefaultsAreAbsoluteAndUnderTheQuantarenaHome() throws IOException {
        InferenceWorkerProperties p = boundWithoutOverrides();
        Path home = Path.of(System.getProperty("user.home"), ".quantarena");
        assertThat(Path.of(p.modelsDir())).isAbsolute().isEqualTo(home.resolve("models"));
        assertThat(Path.of(p.storeDir())).isAbsolute().isEqualTo(home.resolve("store"));
        assertThat(List.of(p.modelsDir(), p.storeDir())).noneMatch(d -> d.contains("shared") || d.contains(".."));
        if (System.getenv("QUANTARENA_HOME") == null) {
            assertThat(new InferenceWorkerProperties(null, "")).isEqualTo(p);
        }
    }

    @Test
    void standaloneServingNeedsNoDirectories(@TempDir Path tmp) {
        ServeProperties serve = new ServeProperties(1, 1, 0, 0, 1, null, null, MODEL.toString(), "m", null, 0);
        ModelCatalog catalog = new ServingConfiguration().modelCatalog(serve,
                new InferenceWorkerProperties(tmp.resolve("no-models").toString(), tmp.resolve("no-store").toString()));
        assertThat(catalog.list()).extracting(ModelCatalog.Entry::id).containsExactly("m");
        assertThat(tmp.resolve("no-store")).doesNotExist();
    }

    @Test
    void startUpFailsNamingAMissingModelsDirectory(@TempDir Path tmp) {
        String missing = tmp.resolve("no-models").toString();
        assertThatThrownBy(() -> new SpringApplicationBuilder(InferenceWorkerApplication.class).run(
                "--spring.config.name=" + InferenceWorkerApplication.CONFIG_NAME, "--server.port=0",
                // never reached: start-up stops before the bindings connect
                "--spring.cloud.stream.kafka.binder.brokers=localhost:1",
                "--quantarena.models-dir=" + missing, "--quantarena.store-dir=" + tmp.resolve("store")).close())
                .rootCause().isInstanceOf(MissingDirectoryException.class)
                .hasMessageContaining("quantarena.models-dir is '" + missing + "'")
                .hasMessageContaining("not an existing directory").hasMessageContaining("QUANTARENA_MODELSDIR");
    }

    /** inference-worker.yml alone, as a service started with no settings binds it (environment variables are overrides). */
    private static InferenceWorkerProperties boundWithoutOverrides() throws IOException {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        String yml = InferenceWorkerApplication.CONFIG_NAME + ".yml";
        new YamlPropertySourceLoader().load(yml, new ClassPathResource(yml)).forEach(env.getPropertySources()::addLast);
        return Binder.get(env).bind("quantarena", InferenceWorkerProperties.class).get();
    }
}
