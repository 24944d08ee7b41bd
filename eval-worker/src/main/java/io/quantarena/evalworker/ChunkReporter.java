package io.quantarena.evalworker;

import io.quantarena.contracts.CancelledJobs;
import io.quantarena.contracts.ChunkProgress;
import io.quantarena.contracts.JobEvent;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CancellationException;

/**
 * Turns per-chunk callbacks into PROGRESS events with the chunk count and the running numbers (the
 * first and last chunk always, others at most every {@link #MIN_INTERVAL_NANOS}), and stops the run
 * between chunks once the job is cancelled.
 */
final class ChunkReporter implements CoreEvaluation.Progress {

    private static final long MIN_INTERVAL_NANOS = 500_000_000L;

    private final UUID jobId;
    private final String stage;
    private final double fractionFrom;
    private final double fractionTo;
    private final JobEventPublisher publisher;
    private final CancelledJobs cancellations;
    private long lastPublished = Long.MIN_VALUE;

    /** Chunks done map linearly onto the job's progress fraction from {@code fractionFrom} to {@code fractionTo}. */
    ChunkReporter(UUID jobId, String stage, double fractionFrom, double fractionTo, JobEventPublisher publisher,
                  CancelledJobs cancellations) {
        this.jobId = jobId;
        this.stage = stage;
        this.fractionFrom = fractionFrom;
        this.fractionTo = fractionTo;
        this.publisher = publisher;
        this.cancellations = cancellations;
    }

    @Override
    public void chunkDone(int done, int total, double runningPpl, Double runningKld) {
        if (cancellations.isCancelled(jobId)) {
            throw new CancellationException("job " + jobId + " was cancelled after chunk " + done + " of " + total);
        }
        long now = System.nanoTime();
        if (done == 1 || done == total || now - lastPublished >= MIN_INTERVAL_NANOS) {
            lastPublished = now;
            double fraction = fractionFrom + (fractionTo - fractionFrom) * done / total;
            String message = String.format(Locale.ROOT, "%s: chunk %d/%d, PPL %.4f%s", stage, done, total, runningPpl,
                    runningKld == null ? "" : String.format(Locale.ROOT, ", KLD %.6f", runningKld));
            publisher.publish(JobEvent.progress(jobId, fraction, stage, message,
                    new ChunkProgress(done, total, runningPpl, runningKld)));
        }
    }
}
