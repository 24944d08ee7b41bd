package io.quantarena.jobs.datasets;

import io.quantarena.jobs.directories.Directories;
import io.quantarena.jobs.web.ApiException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The texts of the datasets directory, by file name: calibration texts for imatrix jobs and evaluation texts
 * for evaluate jobs. Hidden files are not datasets; a name with a path is never resolved.
 */
@Component
public class DatasetCatalog {

    /** What evaluate requests use when they name no dataset. */
    public static final String DEFAULT_EVALUATION_TEXT = "wiki.test.raw";

    /** One text file. */
    public record Dataset(String name, long bytes) {
    }

    private final Path dir;

    public DatasetCatalog(Directories directories) {
        this.dir = directories.datasets();
    }

    /** Every dataset, sorted by name; none while the directory does not exist. */
    public List<Dataset> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted().map(f -> new Dataset(f.getFileName().toString(), size(f))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the datasets directory " + dir, e);
        }
    }

    public List<String> names() {
        return list().stream().map(Dataset::name).toList();
    }

    /** The dataset of that file name. */
    public Optional<Dataset> find(String name) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            return Optional.empty();
        }
        Path p = dir.resolve(name).normalize();
        return dir.equals(p.getParent()) && Files.isRegularFile(p) ? Optional.of(new Dataset(name, size(p))) : Optional.empty();
    }

    /** The dataset of that file name, else a 400 on field {@code dataset} that lists the datasets. */
    public Dataset require(String name) {
        return find(name).orElseThrow(() -> {
            List<String> names = names();
            return ApiException.invalidField("dataset", "no dataset '" + name + "' in the datasets directory; available: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)), Map.of("allowed", names));
        });
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of dataset " + f, e);
        }
    }
}
