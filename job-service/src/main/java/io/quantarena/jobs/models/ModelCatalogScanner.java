package io.quantarena.jobs.models;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.jobs.JobServiceProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Registers every {@code *.gguf} of the models directory as a base model at start-up, reading its
 * architecture and parameter count with core's GGUF reader. Files already registered are skipped.
 */
@Component
public class ModelCatalogScanner {

    private static final Logger log = LoggerFactory.getLogger(ModelCatalogScanner.class);
    /** A trailing precision tag names the file's encoding, not the model: tiny-llama-bf16 -> tiny-llama. */
    private static final Pattern PRECISION_SUFFIX = Pattern.compile("[-_.](bf16|f16|f32|fp16|fp32)$", Pattern.CASE_INSENSITIVE);

    private final JobServiceProperties properties;
    private final ModelRepository models;

    public ModelCatalogScanner(JobServiceProperties properties, ModelRepository models) {
        this.properties = properties;
        this.models = models;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void scanAtStartup() {
        scan();
    }

    /** Registers the new files; returns the names registered by this call. */
    public List<String> scan() {
        Path dir = properties.modelsDir().toAbsolutePath().normalize();
        List<String> registered = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            log.warn("models directory {} does not exist: no base models registered (set quantarena.models-dir)", dir);
            return registered;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.gguf")) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                if (models.findByFileName(fileName).isPresent()) {
                    continue;
                }
                try {
                    register(file).ifPresent(registered::add);
                } catch (IOException | RuntimeException e) {
                    log.warn("skipping {}: not a readable GGUF model ({})", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            log.warn("cannot list models directory {}: {}", dir, e.getMessage());
        }
        return registered;
    }

    private java.util.Optional<String> register(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String architecture;
        long parameters;
        try (GgufFile gguf = GgufFile.open(file)) {
            architecture = gguf.metadata().getString("general.architecture");
            parameters = gguf.parameterCount();
        }
        String name = modelName(fileName);
        if (models.nameTaken(name)) {
            name = fileName.substring(0, fileName.length() - ".gguf".length());
        }
        boolean inserted = models.insertIfAbsent(name, architecture, parameters, fileName, Files.size(file), sha256(file));
        if (inserted) {
            log.info("registered base model {} ({}, {} parameters) from {}", name, architecture, parameters, file);
            return java.util.Optional.of(name);
        }
        return java.util.Optional.empty();
    }

    static String modelName(String fileName) {
        String stem = fileName.substring(0, fileName.length() - ".gguf".length());
        String name = PRECISION_SUFFIX.matcher(stem).replaceFirst("");
        return (name.isEmpty() ? stem : name).toLowerCase(Locale.ROOT);
    }

    static String sha256(Path file) throws IOException {
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
