package io.quantarena.jobs.events;

import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.MessageCodec;
import io.quantarena.jobs.evaluations.EvaluationRepository;
import io.quantarena.jobs.imatrix.ImatrixRepository;
import io.quantarena.jobs.jobs.JobRepository;
import io.quantarena.jobs.jobs.JobStatus;
import io.quantarena.jobs.leaderboard.QuantRepository;
import io.quantarena.jobs.serve.ServeResultRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies worker events to jobs. Each event id is applied once; events for a finished job are stored
 * but change nothing, so redelivered or late work cannot resurrect a job or add a second quant or
 * imatrix.
 */
@Component
public class JobEventApplier {

    private static final Logger log = LoggerFactory.getLogger(JobEventApplier.class);

    private final JobRepository jobs;
    private final QuantRepository quants;
    private final ImatrixRepository imatrices;
    private final EvaluationRepository evaluations;
    private final ServeResultRepository serveResults;

    public JobEventApplier(JobRepository jobs, QuantRepository quants, ImatrixRepository imatrices,
                           EvaluationRepository evaluations, ServeResultRepository serveResults) {
        this.jobs = jobs;
        this.quants = quants;
        this.imatrices = imatrices;
        this.evaluations = evaluations;
        this.serveResults = serveResults;
    }

    /** Returns true when the event changed the job. */
    @Transactional
    public boolean apply(JobEvent event) {
        var status = jobs.lockStatus(event.jobId());
        if (status.isEmpty()) {
            log.warn("ignoring {} event {} for unknown job {}", event.type(), event.eventId(), event.jobId());
            return false;
        }
        boolean applies = !status.get().isTerminal();
        boolean fresh = jobs.insertEventOnce(event.eventId(), event.jobId(), event.type().name(), event.at(),
                event.fraction(), event.stage(), event.message(), event.detail(), applies);
        if (!fresh) {
            log.debug("event {} of job {} was applied before", event.eventId(), event.jobId());
            return false;
        }
        String metrics = event.chunks() == null ? null : MessageCodec.encodeToString(event.chunks());
        if (metrics != null) {
            jobs.attachMetrics(event.eventId(), event.jobId(), metrics, applies);
        }
        if (!applies) {
            log.info("job {} is {}: {} event recorded, not applied", event.jobId(), status.get(), event.type());
            return false;
        }
        switch (event.type()) {
            case STARTED -> jobs.markRunning(event.jobId(), event.at());
            case PROGRESS -> {
                if (status.get() == JobStatus.QUEUED) {
                    jobs.markRunning(event.jobId(), event.at());
                }
                jobs.updateProgress(event.jobId(), event.fraction() == null ? 0 : event.fraction(), event.stage(), event.detail());
            }
            case SUCCEEDED -> {
                if (event.quant() == null && event.imatrix() == null && event.evaluation() == null && event.serve() == null) {
                    jobs.finish(event.jobId(), JobStatus.FAILED, "invalid-result", "worker reported success without a result");
                    return true;
                }
                if (event.quant() != null) {
                    quants.recordProduced(event.jobId(), event.quant());
                }
                if (event.imatrix() != null) {
                    imatrices.recordProduced(event.jobId(), event.imatrix());
                }
                if (event.evaluation() != null) {
                    evaluations.record(event.jobId(), event.evaluation());
                }
                if (event.serve() != null) {
                    serveResults.record(event.jobId(), event.serve());
                }
                jobs.finish(event.jobId(), JobStatus.SUCCEEDED, event.stage(), null);
            }
            case FAILED -> jobs.finish(event.jobId(), JobStatus.FAILED, event.stage(),
                    event.message() == null ? "worker failed without a message" : event.message());
            case CANCELLED -> jobs.finish(event.jobId(), JobStatus.CANCELLED, "cancelled", null);
        }
        log.info("job {}: {} applied", event.jobId(), event.type());
        return true;
    }
}
