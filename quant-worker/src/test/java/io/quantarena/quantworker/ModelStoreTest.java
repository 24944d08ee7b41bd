package io.quantarena.quantworker;

import io.quantarena.contracts.QuantOutcome;
import io.quantarena.contracts.files.FileSha256;
import io.quantarena.contracts.files.MissingDirectoryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelStoreTest {

    @TempDir
    Path dir;

    private ModelStore store() throws IOException {
        Files.createDirectories(dir.resolve("models"));
        return new ModelStore(new QuantWorkerProperties(dir.resolve("models").toString(), dir.resolve("store").toString(),
                dir.resolve("data").toString(), 1));
    }

    @Test
    void requestsCannotNameFilesOutsideTheirDirectories() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(models.resolve("m.gguf"), "x");
        Files.writeString(data.resolve("calibration.txt"), "text");
        Files.writeString(dir.resolve("secret.gguf"), "x");
        ModelStore store = store();

        assertThat(store.baseModel("m.gguf")).isEqualTo(models.resolve("m.gguf").toAbsolutePath());
        assertThatThrownBy(() -> store.baseModel("../secret.gguf")).hasMessageContaining("../secret.gguf");
        assertThatThrownBy(() -> store.baseModel("missing.gguf")).hasMessageContaining("does not exist");
        assertThat(store.dataset("calibration.txt")).hasContent("text");
        assertThatThrownBy(() -> store.dataset("../models/m.gguf")).hasMessageContaining("is not a file name inside");
        assertThatThrownBy(() -> store.dataset("wiki.txt")).hasMessageContaining("dataset 'wiki.txt' does not exist");
        assertThatThrownBy(() -> store.resolve("../../etc/passwd")).hasMessageContaining("leaves the store");
    }

    @Test
    void theModelsMustExistAMissingDatasetsDirectoryIsOnlyAWarningAndTheStoreIsCreated() {
        String missing = dir.resolve("no-models").toString();
        assertThatThrownBy(() -> new ModelStore(new QuantWorkerProperties(missing, dir.resolve("store").toString(), null, 1)))
                .isInstanceOf(MissingDirectoryException.class)
                .hasMessageContaining("quantarena.models-dir is '" + missing + "'").hasMessageContaining("base models");

        ModelStore store = new ModelStore(new QuantWorkerProperties(dir.toString(), dir.resolve("s/store").toString(),
                dir.resolve("no-data").toString(), 1));
        assertThat(dir.resolve("s/store")).isDirectory();
        assertThatThrownBy(() -> store.dataset("calibration.txt")).hasMessageContaining("does not exist");
    }

    @Test
    void aFinishedOutputIsMovedFromItsTemporaryNameIntoThePlace() throws Exception {
        ModelStore store = store();
        UUID job = UUID.randomUUID();
        Path tmp = store.temporaryOutput(job, "gguf");
        Files.writeString(tmp, "quantized");

        Path stored = store.publish(tmp, "quants/m/m-Q8_0-abc.gguf");

        assertThat(stored).hasContent("quantized").isEqualTo(dir.resolve("store/quants/m/m-Q8_0-abc.gguf").toAbsolutePath());
        assertThat(tmp).doesNotExist();
        assertThat(FileSha256.of(stored)).isEqualTo("919559d145278f77ddd219d7eb821fad07d9daee8e4e4eef32f60e4dbb0545ef");
        assertThat(store.verifiedArtifact("quants/m/m-Q8_0-abc.gguf", "919559d145278f77ddd219d7eb821fad07d9daee8e4e4eef32f60e4dbb0545ef"))
                .isEqualTo(stored);
        assertThatThrownBy(() -> store.verifiedArtifact("quants/m/m-Q8_0-abc.gguf", "00".repeat(32)))
                .hasMessageContaining("has sha256 919559d1").hasMessageContaining("expected 0000");
    }

    @Test
    void aJobsTemporaryFilesAreDeletedTogether() throws Exception {
        ModelStore store = store();
        UUID job = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        Files.writeString(store.temporaryOutput(job, "gguf"), "a");
        Files.writeString(store.temporaryOutput(job, "dat"), "b");
        Path kept = store.temporaryOutput(other, "gguf");
        Files.writeString(kept, "c");

        store.deleteTemporaries(job);

        try (var left = Files.list(dir.resolve("store/.tmp"))) {
            assertThat(left.toList()).containsExactly(kept);
        }
    }

    @Test
    void aCompletedJobIsReusedOnlyWhileItsArtifactIsUnchanged() throws Exception {
        ModelStore store = store();
        CompletedJobs completed = new CompletedJobs(store);
        UUID job = UUID.randomUUID();
        Path tmp = store.temporaryOutput(job, "gguf");
        Files.writeString(tmp, "quantized");
        store.publish(tmp, "quants/m/m.gguf");
        QuantOutcome outcome = new QuantOutcome("quants/m/m.gguf", 9, "919559d145278f77ddd219d7eb821fad07d9daee8e4e4eef32f60e4dbb0545ef",
                1, 8.5, "Q8_0", List.of());

        assertThat(completed.find(job, QuantOutcome.class, QuantOutcome::artifactPath, QuantOutcome::sha256)).isEmpty();
        completed.remember(job, outcome);
        assertThat(completed.find(job, QuantOutcome.class, QuantOutcome::artifactPath, QuantOutcome::sha256)).contains(outcome);

        Files.writeString(store.resolve("quants/m/m.gguf"), "changed");
        assertThat(completed.find(job, QuantOutcome.class, QuantOutcome::artifactPath, QuantOutcome::sha256)).isEmpty();
    }

    @Test
    void modelNamesBecomeSafeFileNames() {
        assertThat(QuantizeJobRunner.safeName("tiny-llama")).isEqualTo("tiny-llama");
        assertThat(QuantizeJobRunner.safeName("../evil name")).isEqualTo("_.._evil_name");
    }
}
