package io.quantarena.quantworker;

import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Files of the model store. Outputs are written under {@code .tmp/} and renamed into place when
 * complete, so a crash never leaves a half-written file under a final name.
 */
@Component
public class ModelStore {

    private final Path modelsDir;
    private final Path storeDir;

    public ModelStore(QuantWorkerProperties properties) {
        this.modelsDir = properties.modelsDir().toAbsolutePath().normalize();
        this.storeDir = properties.storeDir().toAbsolutePath().normalize();
    }

    /** The base model file named in a request; names that leave the models directory are refused. */
    public Path baseModel(String fileName) {
        Path p = modelsDir.resolve(fileName).normalize();
        if (!p.getParent().equals(modelsDir) || !fileName.endsWith(".gguf")) {
            throw new IllegalArgumentException("model file '" + fileName + "' is not a .gguf file name inside " + modelsDir);
        }
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("model file '" + fileName + "' does not exist in " + modelsDir);
        }
        return p;
    }

    public Path temporaryOutput(UUID jobId) throws IOException {
        Path tmp = storeDir.resolve(".tmp");
        Files.createDirectories(tmp);
        return tmp.resolve(jobId + ".gguf.part");
    }

    /** Moves a finished temporary file to {@code relativePath} in the store and returns its absolute path. */
    public Path publish(Path temporary, String relativePath) throws IOException {
        Path target = resolve(relativePath);
        Files.createDirectories(target.getParent());
        return Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public Path resolve(String relativePath) {
        Path p = storeDir.resolve(relativePath).normalize();
        if (!p.startsWith(storeDir)) {
            throw new IllegalArgumentException("store path '" + relativePath + "' leaves the store " + storeDir);
        }
        return p;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
