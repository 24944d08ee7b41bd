package io.quantarena.evalworker;

import io.quantarena.contracts.files.MissingDirectoryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The yml defaults and the start-up failure of every service: dev-cluster's ServiceDirectoriesTest. */
class WorkerFilesTest {

    @TempDir
    Path tmp;

    @Test
    void theModelsAndDatasetsMustExistAndTheStoreIsCreated() throws IOException {
        Path models = Files.createDirectory(tmp.resolve("models"));
        Path data = Files.createDirectory(tmp.resolve("data"));
        WorkerFiles files = new WorkerFiles(properties(models, data));
        assertThat(files.storeDir()).isEqualTo(tmp.resolve("s/store")).isDirectory();

        Path noData = tmp.resolve("no-data");
        assertThatThrownBy(() -> new WorkerFiles(properties(models, noData)))
                .isInstanceOf(MissingDirectoryException.class)
                .hasMessageContaining("quantarena.datasets-dir is '" + noData + "'").hasMessageContaining("evaluation texts");
    }

    @Test
    void requestsNameFilesInsideTheirDirectoriesOnly() throws IOException {
        Path models = Files.createDirectory(tmp.resolve("models"));
        Path data = Files.createDirectory(tmp.resolve("data"));
        Files.writeString(models.resolve("m.gguf"), "x");
        Files.writeString(data.resolve("wiki.test.raw"), "text");
        WorkerFiles files = new WorkerFiles(properties(models, data));
        assertThat(files.baseModel("m.gguf")).isEqualTo(models.resolve("m.gguf"));
        assertThat(files.dataset("wiki.test.raw")).hasContent("text");
        assertThatThrownBy(() -> files.dataset("../models/m.gguf")).hasMessageContaining("not a plain file name");
        assertThatThrownBy(() -> files.baseModel("other.gguf")).hasMessageContaining("does not exist in " + models);
        assertThatThrownBy(() -> files.stored("../../x")).hasMessageContaining("leaves the store");
    }

    private EvalWorkerProperties properties(Path models, Path data) {
        return new EvalWorkerProperties(models.toString(), tmp.resolve("s/store").toString(), data.toString(), 1, "test");
    }
}
