package io.quantarena.evalworker;

import io.quantarena.contracts.files.FileSha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Base log-probabilities, computed once per {@link BaseLogitsKey} and kept in the model store as
 * {@code base-logits/...kld} (llama-perplexity's base file format).
 *
 * <p>Why two evaluations can never both compute the same file: the artifact only ever appears under
 * its final name by an atomic rename of a complete file, so "the file exists" means "it is done".
 * Computing it happens under an exclusive lock on {@code <artifact>.lock}, taken in two layers:
 * a per-artifact {@link ReentrantLock} shared by every thread of this JVM (file locks belong to the
 * whole process, so they cannot separate two threads of one worker), then an OS file lock
 * ({@link FileChannel#lock()}) that separates worker processes sharing the store volume. Whoever
 * holds both checks for the file again before computing: a second evaluation that arrives while the
 * first computes blocks on the lock, then finds the finished file and reuses it. If the computing
 * worker dies, the OS releases its file lock and the temporary file is never renamed, so the next
 * holder computes it afresh. The lock files stay (deleting them would race with a waiter).
 */
@Component
public class BaseLogitsCache {

    private static final Logger log = LoggerFactory.getLogger(BaseLogitsCache.class);
    private static final ConcurrentHashMap<Path, ReentrantLock> PROCESS_LOCKS = new ConcurrentHashMap<>();

    private final Path storeDir;
    private final AtomicLong computations = new AtomicLong();

    /** Writes the complete base file to {@code temporary}. */
    @FunctionalInterface
    public interface Computation {
        void writeTo(Path temporary) throws IOException;
    }

    /**
     * @param computed true when this call computed the file, false when it was there (or another evaluation made it)
     */
    public record Obtained(String relativePath, Path file, long bytes, String sha256, boolean computed) {
    }

    @org.springframework.beans.factory.annotation.Autowired
    public BaseLogitsCache(WorkerFiles files) {
        this(files.storeDir());
    }

    BaseLogitsCache(Path storeDir) {
        this.storeDir = storeDir.toAbsolutePath().normalize();
    }

    /** How many base files this instance has computed (each key at most once across all instances). */
    public long computations() {
        return computations.get();
    }

    /**
     * The artifact for {@code key}: the stored one, or the one computed now by {@code compute}.
     * {@code onWait} is called once if another thread or worker is computing it and this call waits.
     */
    public Obtained obtain(BaseLogitsKey key, Computation compute, Runnable onWait) throws IOException, InterruptedException {
        String relative = key.relativePath();
        Path file = storeDir.resolve(relative);
        if (Files.isRegularFile(file)) {
            return existing(relative, file);
        }
        Files.createDirectories(file.getParent());
        Path lockPath = file.resolveSibling(file.getFileName() + ".lock");
        ReentrantLock processLock = PROCESS_LOCKS.computeIfAbsent(lockPath, p -> new ReentrantLock());
        boolean waited = false;
        if (!processLock.tryLock()) {
            onWait.run();
            waited = true;
            processLock.lockInterruptibly();
        }
        try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock fileLock = channel.tryLock();
            if (fileLock == null) {
                if (!waited) {
                    onWait.run();
                }
                fileLock = channel.lock();
            }
            try {
                if (Files.isRegularFile(file)) {
                    log.info("base log-probabilities {} were computed meanwhile; reusing them", relative);
                    return existing(relative, file);
                }
                return compute(relative, file, compute);
            } finally {
                fileLock.release();
            }
        } finally {
            processLock.unlock();
        }
    }

    private Obtained compute(String relative, Path file, Computation compute) throws IOException {
        Path tmpDir = storeDir.resolve("base-logits/.tmp");
        Files.createDirectories(tmpDir);
        Path temporary = tmpDir.resolve(UUID.randomUUID() + ".kld.part");
        try {
            long t0 = System.nanoTime();
            compute.writeTo(temporary);
            String sha = FileSha256.of(temporary);
            // the digest first, so that whoever sees the artifact also finds its digest
            Files.writeString(sidecar(file), sha);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            computations.incrementAndGet();
            log.info("computed base log-probabilities {} ({} bytes) in {} ms", relative, Files.size(file),
                    (System.nanoTime() - t0) / 1_000_000);
            return new Obtained(relative, file, Files.size(file), sha, true);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static Obtained existing(String relative, Path file) throws IOException {
        Path digest = sidecar(file);
        String sha = Files.isRegularFile(digest) ? Files.readString(digest).trim() : FileSha256.of(file);
        return new Obtained(relative, file, Files.size(file), sha, false);
    }

    private static Path sidecar(Path file) {
        return file.resolveSibling(file.getFileName() + ".sha256");
    }
}
