package io.quantarena.quantworker;

import io.quantarena.contracts.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Per job, the outcome the worker published ({@code <store>/.jobs/<job>.json}), so that a
 * redelivered request reuses the stored artifact instead of redoing the work. A record whose
 * artifact is gone or changed is ignored: the job then runs again and replaces the artifact.
 */
@Component
public class CompletedJobs {

    private static final Logger log = LoggerFactory.getLogger(CompletedJobs.class);

    private final ModelStore store;

    public CompletedJobs(ModelStore store) {
        this.store = store;
    }

    /**
     * The outcome recorded for {@code jobId}, if its artifact is still in the store with the
     * recorded sha256.
     */
    public <T> Optional<T> find(UUID jobId, Class<T> type, Function<T, String> artifactPath, Function<T, String> sha256) {
        Path record = record(jobId);
        if (!Files.isRegularFile(record)) {
            return Optional.empty();
        }
        try {
            T outcome = MessageCodec.decode(Files.readAllBytes(record), type);
            store.verifiedArtifact(artifactPath.apply(outcome), sha256.apply(outcome));
            return Optional.of(outcome);
        } catch (IOException | RuntimeException e) {
            log.warn("job {}: ignoring the record of an earlier run ({}); running it again", jobId, e.getMessage());
            return Optional.empty();
        }
    }

    /** Records a published outcome (written under a temporary name, then renamed). */
    public void remember(UUID jobId, Object outcome) throws IOException {
        Path record = record(jobId);
        Files.createDirectories(record.getParent());
        Path tmp = record.resolveSibling(jobId + ".json.part");
        Files.write(tmp, MessageCodec.encode(outcome));
        Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path record(UUID jobId) {
        return store.root().resolve(".jobs").resolve(jobId + ".json");
    }
}
