package io.quantarena.quantworker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelStoreTest {

    @TempDir
    Path dir;

    @Test
    void requestsCannotNameFilesOutsideTheModelsDirectory() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.writeString(models.resolve("m.gguf"), "x");
        Files.writeString(dir.resolve("secret.gguf"), "x");
        ModelStore store = new ModelStore(new QuantWorkerProperties(models, dir.resolve("store"), 1));

        assertThat(store.baseModel("m.gguf")).isEqualTo(models.resolve("m.gguf").toAbsolutePath());
        assertThatThrownBy(() -> store.baseModel("../secret.gguf")).hasMessageContaining("../secret.gguf");
        assertThatThrownBy(() -> store.baseModel("missing.gguf")).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> store.resolve("../../etc/passwd")).hasMessageContaining("leaves the store");
    }

    @Test
    void aFinishedOutputIsMovedFromItsTemporaryNameIntoThePlace() throws Exception {
        ModelStore store = new ModelStore(new QuantWorkerProperties(dir, dir.resolve("store"), 1));
        Path tmp = store.temporaryOutput(UUID.randomUUID());
        Files.writeString(tmp, "quantized");

        Path stored = store.publish(tmp, "quants/m/m-Q8_0-abc.gguf");

        assertThat(stored).hasContent("quantized").isEqualTo(dir.resolve("store/quants/m/m-Q8_0-abc.gguf").toAbsolutePath());
        assertThat(tmp).doesNotExist();
        assertThat(ModelStore.sha256(stored)).isEqualTo("919559d145278f77ddd219d7eb821fad07d9daee8e4e4eef32f60e4dbb0545ef");
    }

    @Test
    void modelNamesBecomeSafeFileNames() {
        assertThat(QuantizeJobRunner.safeName("tiny-llama")).isEqualTo("tiny-llama");
        assertThat(QuantizeJobRunner.safeName("../evil name")).isEqualTo("_.._evil_name");
    }
}
