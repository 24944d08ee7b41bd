package io.quantarena.jobs.models;

import io.quantarena.contracts.files.FileSha256;
import io.quantarena.core.gguf.GgufFile;
import io.quantarena.jobs.directories.Directories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    private final Path dir;
    private final ModelRepository models;

    public ModelCatalogScanner(Directories directories, ModelRepository models) {
        this.dir = directories.models();
        this.models = models;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void scanAtStartup() {
        scan();
    }

    /** Registers the new files; returns the names registered by this call. */
    public List<String> scan() {
        List<String> registered = new ArrayList<>();
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
        boolean inserted = models.insertIfAbsent(name, architecture, parameters, fileName, Files.size(file), FileSha256.of(file));
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

}
