package io.quantarena.inferenceworker.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The models that can be served, by name. In the platform: every base model of the models directory under
 * the name job-service registers it by ({@code tiny-llama4-bf16.gguf} → {@code tiny-llama4}) and every
 * produced quant of the store under its quant name ({@code quants/tiny-llama/tiny-llama-Q8_0-<sha>.gguf} →
 * {@code tiny-llama-Q8_0}); the file name without {@code .gguf} works too. Standalone: the one file.
 * Directories are listed on each lookup, so new quants are found without a restart.
 */
public final class ModelCatalog {

    /** A trailing precision tag names the file's encoding, not the model (as job-service's registration). */
    private static final Pattern PRECISION_SUFFIX = Pattern.compile("[-_.](bf16|f16|f32|fp16|fp32)$", Pattern.CASE_INSENSITIVE);
    /** Produced quants end in the first 12 hex digits of their sha256. */
    private static final Pattern SHA_SUFFIX = Pattern.compile("-[0-9a-f]{12}$");

    /** A servable model: its API name, file and modification time (seconds). */
    public record Entry(String id, Path file, long created) {
    }

    private final Path modelsDir;
    private final Path storeDir;
    private final Entry standalone;

    private ModelCatalog(Path modelsDir, Path storeDir, Entry standalone) {
        this.modelsDir = modelsDir;
        this.storeDir = storeDir;
        this.standalone = standalone;
    }

    public static ModelCatalog ofDirectories(Path modelsDir, Path storeDir) {
        return new ModelCatalog(modelsDir.toAbsolutePath().normalize(), storeDir.toAbsolutePath().normalize(), null);
    }

    /** @param alias the served name, or null for the file name without {@code .gguf} */
    public static ModelCatalog ofFile(Path file, String alias) {
        Path f = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("model file " + file + " does not exist");
        }
        String id = alias != null && !alias.isBlank() ? alias : stem(f);
        return new ModelCatalog(null, null, new Entry(id, f, modified(f)));
    }

    /** Every servable model (primary names only). */
    public List<Entry> list() {
        return new ArrayList<>(names(false).values());
    }

    /** The model of that name (a primary name or a file name without {@code .gguf}). */
    public Optional<Entry> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(names(true).get(name));
    }

    private Map<String, Entry> names(boolean withAliases) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        if (standalone != null) {
            byName.put(standalone.id(), standalone);
            if (withAliases) {
                byName.putIfAbsent(stem(standalone.file()), standalone);
            }
            return byName;
        }
        for (Path f : ggufFiles(modelsDir)) {
            String stem = stem(f);
            String name = PRECISION_SUFFIX.matcher(stem).replaceFirst("").toLowerCase(Locale.ROOT);
            Entry e = new Entry(name.isEmpty() ? stem : name, f, modified(f));
            byName.putIfAbsent(e.id(), e);
            if (withAliases) {
                byName.putIfAbsent(stem, e);
            }
        }
        Path quants = storeDir.resolve("quants");
        if (Files.isDirectory(quants)) {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(quants, Files::isDirectory)) {
                for (Path d : dirs) {
                    files.addAll(ggufFiles(d));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the model store " + quants, e);
            }
            // the newest file of a quant name wins
            files.sort(Comparator.comparingLong(ModelCatalog::modified).reversed());
            for (Path f : files) {
                String stem = stem(f);
                Entry e = new Entry(SHA_SUFFIX.matcher(stem).replaceFirst(""), f, modified(f));
                byName.putIfAbsent(e.id(), e);
                if (withAliases) {
                    byName.putIfAbsent(stem, e);
                }
            }
        }
        return byName;
    }

    private static List<Path> ggufFiles(Path dir) {
        List<Path> files = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.gguf")) {
            s.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".gguf") ? n.substring(0, n.length() - ".gguf".length()) : n;
    }

    private static long modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis() / 1000;
        } catch (IOException e) {
            return 0;
        }
    }
}
