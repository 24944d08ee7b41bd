package io.quantarena.quantworker;

import io.quantarena.contracts.CancelledJobs;
import io.quantarena.contracts.JobEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.CancellationException;

/**
 * The frame every job runs in: CANCELLED when the cancel came before the start, STARTED, the work,
 * then its SUCCEEDED event, CANCELLED when it stopped on a cancel, or FAILED with the error message.
 * Failures of the job itself end as a FAILED event, never as a retry; the job's temporary files
 * are removed whatever happens.
 */
@Component
public class JobLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);

    /** The job's work; returns its SUCCEEDED event. */
    @FunctionalInterface
    public interface Work {
        JobEvent perform() throws Exception;
    }

    private final JobEventPublisher publisher;
    private final CancelledJobs cancellations;
    private final ModelStore store;

    public JobLifecycle(JobEventPublisher publisher, CancelledJobs cancellations, ModelStore store) {
        this.publisher = publisher;
        this.cancellations = cancellations;
        this.store = store;
    }

    public void run(UUID jobId, String stage, Work work) {
        MDC.put("jobId", jobId.toString());
        try {
            if (cancellations.isCancelled(jobId)) {
                log.info("job {} was cancelled before it started", jobId);
                publisher.publish(JobEvent.cancelled(jobId, "cancelled before start"));
                return;
            }
            publisher.publish(JobEvent.started(jobId, stage));
            long t0 = System.nanoTime();
            JobEvent done = work.perform();
            publisher.publish(done);
            log.info("job {} succeeded in {} ms", jobId, (System.nanoTime() - t0) / 1_000_000);
        } catch (CancellationException e) {
            log.info("job {} cancelled while running", jobId);
            publisher.publish(JobEvent.cancelled(jobId, e.getMessage() == null ? "stopped" : e.getMessage()));
        } catch (Exception e) {
            log.error("job {} failed", jobId, e);
            publisher.publish(JobEvent.failed(jobId, e.getClass().getSimpleName(), describe(e)));
        } finally {
            try {
                store.deleteTemporaries(jobId);
            } catch (IOException e) {
                log.warn("cannot delete the temporary files of job {}: {}", jobId, e.getMessage());
            }
            MDC.remove("jobId");
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }
}
