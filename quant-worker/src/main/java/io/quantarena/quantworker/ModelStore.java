package io.quantarena.quantworker;

import io.quantarena.contracts.files.DataDirectories;
import io.quantarena.contracts.files.FileSha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Files of the model store. Outputs are written under {@code .tmp/} and renamed into place when
 * complete, so a crash never leaves a half-written file under a final name. Requests name base
 * models and datasets by file name only; nothing outside the configured directories is read. At start-up
 * the models directory must exist, a missing datasets directory is a warning (imatrix jobs fail until it
 * exists) and the store is created.
 */
@Component
public class ModelStore {

    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    private final Path modelsDir;
    private final Path storeDir;
    private final Path datasetsDir;

    public ModelStore(QuantWorkerProperties properties) {
        this.modelsDir = DataDirectories.requireExisting(DataDirectories.MODELS_PROPERTY, properties.modelsDir(),
                "the base models (*.gguf files) that quantize and imatrix jobs read");
        DataDirectories.missingWarning(DataDirectories.DATASETS_PROPERTY, properties.datasetsDir(),
                "the calibration texts of imatrix jobs; imatrix jobs fail until it exists").ifPresent(log::warn);
        this.datasetsDir = DataDirectories.absolute(DataDirectories.DATASETS_PROPERTY, properties.datasetsDir());
        this.storeDir = DataDirectories.createStore(DataDirectories.STORE_PROPERTY, properties.storeDir());
    }

    /** The base model file named in a request; names that leave the models directory are refused. */
    public Path baseModel(String fileName) {
        if (!fileName.endsWith(".gguf")) {
            throw new IllegalArgumentException("model file '" + fileName + "' is not a .gguf file name inside " + modelsDir);
        }
        return fileInside(modelsDir, fileName, "model file");
    }

    /** A calibration text named in a request, inside the datasets directory. */
    public Path dataset(String fileName) {
        return fileInside(datasetsDir, fileName, "dataset");
    }

    private static Path fileInside(Path dir, String fileName, String what) {
        Path p = dir.resolve(fileName).normalize();
        if (!dir.equals(p.getParent())) {
            throw new IllegalArgumentException(what + " '" + fileName + "' is not a file name inside " + dir);
        }
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(what + " '" + fileName + "' does not exist in " + dir);
        }
        return p;
    }

    /** {@code <store>/.tmp/<job>.<extension>.part}, its directory created. */
    public Path temporaryOutput(UUID jobId, String extension) throws IOException {
        Path tmp = storeDir.resolve(".tmp");
        Files.createDirectories(tmp);
        return tmp.resolve(jobId + "." + extension + ".part");
    }

    /** Deletes every temporary file of a job (what a failed or cancelled run left). */
    public void deleteTemporaries(UUID jobId) throws IOException {
        Path tmp = storeDir.resolve(".tmp");
        if (!Files.isDirectory(tmp)) {
            return;
        }
        try (var files = Files.list(tmp)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith(jobId + ".")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Moves a finished temporary file to {@code relativePath} in the store (replacing one there) and returns its absolute path. */
    public Path publish(Path temporary, String relativePath) throws IOException {
        Path target = resolve(relativePath);
        Files.createDirectories(target.getParent());
        return Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public Path resolve(String relativePath) {
        Path p = storeDir.resolve(relativePath).normalize();
        if (!p.startsWith(storeDir) || p.equals(storeDir)) {
            throw new IllegalArgumentException("store path '" + relativePath + "' leaves the store " + storeDir);
        }
        return p;
    }

    /**
     * The store file {@code relativePath}, checked to have the expected sha256 (a request names
     * an artifact by path and content).
     */
    public Path verifiedArtifact(String relativePath, String expectedSha256) throws IOException {
        Path p = resolve(relativePath);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("artifact '" + relativePath + "' does not exist in the store " + storeDir);
        }
        String actual = FileSha256.of(p);
        if (!actual.equalsIgnoreCase(expectedSha256)) {
            throw new IllegalArgumentException("artifact '" + relativePath + "' has sha256 " + actual + ", expected " + expectedSha256);
        }
        return p;
    }

    /** The store's root, for records kept next to the artifacts. */
    Path root() {
        return storeDir;
    }
}
