package io.quantarena.jobs.evaluations;

import io.quantarena.jobs.store.StoreProperties;
import io.quantarena.jobs.web.ApiException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The evaluation texts: plain files of the datasets directory, named by their file name. */
@Component
public class Datasets {

    public static final String DEFAULT = "wiki.test.raw";

    private final Path dir;

    public Datasets(StoreProperties properties) {
        this.dir = properties.datasetsPath().toAbsolutePath().normalize();
    }

    public List<String> names() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the datasets directory " + dir, e);
        }
    }

    /** {@code name} when it names a dataset, else a 400 that lists the datasets. */
    public String require(String name) {
        List<String> names = names();
        if (!names.contains(name)) {
            throw ApiException.invalidField("dataset", "unknown dataset '" + name + "'; available: "
                    + String.join(", ", names), Map.of("allowed", names));
        }
        return name;
    }
}
