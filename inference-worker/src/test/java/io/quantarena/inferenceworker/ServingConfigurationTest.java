package io.quantarena.inferenceworker;

import io.quantarena.contracts.files.MissingDirectoryException;
import io.quantarena.inferenceworker.engine.ModelCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The yml defaults and the start-up failure of every service: dev-cluster's ServiceDirectoriesTest. */
class ServingConfigurationTest {

    private static final Path MODEL = Path.of(System.getProperty("quantarena.shared", "../../shared"))
            .resolve("models/tiny-llama4-bf16.gguf").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void servingTheStoreNeedsTheModelsDirectoryAndCreatesTheStore() {
        Path models = MODEL.getParent();
        ModelCatalog catalog = new ServingConfiguration().modelCatalog(serve(null),
                new InferenceWorkerProperties(models.toString(), tmp.resolve("store").toString()));
        assertThat(catalog.list()).extracting(ModelCatalog.Entry::id).contains("tiny-llama4");
        assertThat(tmp.resolve("store")).isDirectory();

        String missing = tmp.resolve("no-models").toString();
        assertThatThrownBy(() -> new ServingConfiguration().modelCatalog(serve(null),
                new InferenceWorkerProperties(missing, tmp.toString())))
                .isInstanceOf(MissingDirectoryException.class).hasMessageContaining("quantarena.models-dir is '" + missing + "'");
    }

    @Test
    void standaloneServingNeedsNoDirectories() {
        ModelCatalog catalog = new ServingConfiguration().modelCatalog(serve(MODEL.toString()),
                new InferenceWorkerProperties(tmp.resolve("no-models").toString(), tmp.resolve("no-store").toString()));
        assertThat(catalog.list()).extracting(ModelCatalog.Entry::id).containsExactly("m");
        assertThat(tmp.resolve("no-store")).doesNotExist();
    }

    private static ServeProperties serve(String standaloneModel) {
        return new ServeProperties(1, 1, 0, 0, 1, null, null, standaloneModel, "m", null, 0);
    }
}
