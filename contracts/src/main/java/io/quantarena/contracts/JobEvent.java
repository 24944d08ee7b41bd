package io.quantarena.contracts;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One event about a job on {@link Topics#JOB_EVENTS}. Consumers apply each {@code eventId} once.
 *
 * @param fraction progress 0..1 (PROGRESS, SUCCEEDED), else null
 * @param stage    short machine-readable stage, e.g. {@code quantize} or an error code for FAILED
 * @param message  human-readable detail (the error message for FAILED)
 * @param quant    the result, only on SUCCEEDED of a quantize job
 * @param imatrix  the result, only on SUCCEEDED of an imatrix job
 * @param detail   what is in work (current tensor, bytes written), only on PROGRESS of a quantize or imatrix job
 * @param chunks   running numbers of an evaluation (PROGRESS of an evaluate job), else null
 * @param evaluation the result, only on SUCCEEDED of an evaluate job
 * @param serve    the result, only on SUCCEEDED of a serve job
 */
public record JobEvent(UUID eventId, UUID jobId, JobEventType type, Instant at, Double fraction, String stage,
                       String message, QuantOutcome quant, ImatrixOutcome imatrix, ProgressDetail detail,
                       ChunkProgress chunks, EvaluationOutcome evaluation, ServeOutcome serve) {
    public JobEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
    }

    /** An event without a serve result (every kind but a serve job's success). */
    public JobEvent(UUID eventId, UUID jobId, JobEventType type, Instant at, Double fraction, String stage,
                    String message, QuantOutcome quant, ImatrixOutcome imatrix, ProgressDetail detail,
                    ChunkProgress chunks, EvaluationOutcome evaluation) {
        this(eventId, jobId, type, at, fraction, stage, message, quant, imatrix, detail, chunks, evaluation, null);
    }

    /** An event without imatrix, progress-detail or evaluation parts. */
    public JobEvent(UUID eventId, UUID jobId, JobEventType type, Instant at, Double fraction, String stage,
                    String message, QuantOutcome quant) {
        this(eventId, jobId, type, at, fraction, stage, message, quant, null, null, null, null);
    }

    private static JobEvent now(UUID jobId, JobEventType type, Double fraction, String stage, String message) {
        return new JobEvent(UUID.randomUUID(), jobId, type, Instant.now(), fraction, stage, message, null);
    }

    public static JobEvent started(UUID jobId, String stage) {
        return now(jobId, JobEventType.STARTED, 0.0, stage, null);
    }

    public static JobEvent progress(UUID jobId, double fraction, String stage, String message) {
        return now(jobId, JobEventType.PROGRESS, fraction, stage, message);
    }

    /** PROGRESS of a quantize or imatrix job: the tensor in work. */
    public static JobEvent progress(UUID jobId, double fraction, String stage, String message, ProgressDetail detail) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.PROGRESS, Instant.now(), fraction, stage, message, null, null,
                detail, null, null);
    }

    /** PROGRESS of an evaluation: the chunks done and the running numbers. */
    public static JobEvent progress(UUID jobId, double fraction, String stage, String message, ChunkProgress chunks) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.PROGRESS, Instant.now(), fraction, stage, message,
                null, null, null, chunks, null);
    }

    public static JobEvent succeeded(UUID jobId, ServeOutcome serve) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.SUCCEEDED, Instant.now(), 1.0, "done", null, null, null, null,
                null, null, serve);
    }

    public static JobEvent succeeded(UUID jobId, QuantOutcome quant) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.SUCCEEDED, Instant.now(), 1.0, "done", null, quant);
    }

    public static JobEvent succeeded(UUID jobId, ImatrixOutcome imatrix) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.SUCCEEDED, Instant.now(), 1.0, "done", null, null, imatrix,
                null, null, null);
    }

    public static JobEvent evaluated(UUID jobId, EvaluationOutcome evaluation) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.SUCCEEDED, Instant.now(), 1.0, "done", null,
                null, null, null, null, evaluation);
    }

    public static JobEvent failed(UUID jobId, String code, String message) {
        return now(jobId, JobEventType.FAILED, null, code, message);
    }

    public static JobEvent cancelled(UUID jobId, String message) {
        return now(jobId, JobEventType.CANCELLED, null, "cancelled", message);
    }
}
