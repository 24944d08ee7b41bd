package io.quantarena.evalworker;

import io.quantarena.contracts.files.DataDirectories;
import io.quantarena.contracts.files.FileSha256;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files an evaluation reads: base models, quants in the model store and datasets. Requests only
 * name files; a name that leaves its directory is refused. The directories are checked at start-up: the
 * models and datasets directories must exist (every evaluation reads both), the store is created.
 */
@Component
public class WorkerFiles {

    private final Path modelsDir;
    private final Path storeDir;
    private final Path datasetsDir;
    /** Dataset hashes by path, valid while size and modification time stay the same. */
    private final Map<Path, HashedFile> hashes = new ConcurrentHashMap<>();

    public WorkerFiles(EvalWorkerProperties properties) {
        this.modelsDir = DataDirectories.requireExisting(DataDirectories.MODELS_PROPERTY, properties.modelsDir(),
                "the base models (*.gguf files) that evaluations and KL-divergence read");
        this.datasetsDir = DataDirectories.requireExisting(DataDirectories.DATASETS_PROPERTY, properties.datasetsDir(),
                "the evaluation texts (e.g. wiki.test.raw)");
        this.storeDir = DataDirectories.createStore(DataDirectories.STORE_PROPERTY, properties.storeDir());
    }

    public Path storeDir() {
        return storeDir;
    }

    public Path baseModel(String fileName) {
        return existing(inside(modelsDir, fileName, "model file"), "model file '" + fileName + "'", modelsDir);
    }

    public Path dataset(String name) {
        return existing(inside(datasetsDir, name, "dataset"), "dataset '" + name + "'", datasetsDir);
    }

    /** A file of the model store by its relative path. */
    public Path stored(String relativePath) {
        Path p = storeDir.resolve(relativePath).normalize();
        if (!p.startsWith(storeDir) || p.equals(storeDir)) {
            throw new IllegalArgumentException("store path '" + relativePath + "' leaves the store " + storeDir);
        }
        return existing(p, "store file '" + relativePath + "'", storeDir);
    }

    /** sha256 of a dataset, computed once per content (size and modification time). */
    public String datasetSha256(Path dataset) throws IOException {
        long size = Files.size(dataset);
        FileTime modified = Files.getLastModifiedTime(dataset);
        HashedFile known = hashes.get(dataset);
        if (known != null && known.size == size && known.modified.equals(modified)) {
            return known.sha256;
        }
        String sha = FileSha256.of(dataset);
        hashes.put(dataset, new HashedFile(size, modified, sha));
        return sha;
    }

    private record HashedFile(long size, FileTime modified, String sha256) {
    }

    private static Path inside(Path dir, String name, String what) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException(what + " '" + name + "' is not a plain file name inside " + dir);
        }
        return dir.resolve(name).normalize();
    }

    private static Path existing(Path p, String what, Path dir) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(what + " does not exist in " + dir);
        }
        return p;
    }
}
