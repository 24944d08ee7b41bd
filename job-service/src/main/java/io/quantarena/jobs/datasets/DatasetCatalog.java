package io.quantarena.jobs.datasets;

import io.quantarena.jobs.JobServiceProperties;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The calibration texts imatrix jobs may use: the regular files of the datasets directory, by file name. */
@RestController
public class DatasetCatalog {

    /** One text file. */
    public record Dataset(String name, long bytes) {
    }

    private final Path dir;

    public DatasetCatalog(JobServiceProperties properties) {
        this.dir = properties.datasetsDir().toAbsolutePath().normalize();
    }

    @GetMapping("/api/datasets")
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

    /** The dataset of that file name; names with a path are never resolved. */
    public Optional<Dataset> find(String name) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            return Optional.empty();
        }
        Path p = dir.resolve(name).normalize();
        return dir.equals(p.getParent()) && Files.isRegularFile(p) ? Optional.of(new Dataset(name, size(p))) : Optional.empty();
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
