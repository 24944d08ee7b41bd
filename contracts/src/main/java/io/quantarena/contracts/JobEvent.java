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
 * @param detail   what is in work, only on PROGRESS
 * @param serve    the result, only on SUCCEEDED of a serve job
 */
public record JobEvent(UUID eventId, UUID jobId, JobEventType type, Instant at, Double fraction, String stage,
                       String message, QuantOutcome quant, ImatrixOutcome imatrix, ProgressDetail detail,
                       ServeOutcome serve) {

    /** An event without a serve result (every kind but a serve job's success). */
    public JobEvent(UUID eventId, UUID jobId, JobEventType type, Instant at, Double fraction, String stage,
                    String message, QuantOutcome quant, ImatrixOutcome imatrix, ProgressDetail detail) {
        this(eventId, jobId, type, at, fraction, stage, message, quant, imatrix, detail, null);
    }

    /** An event with at most a quantize result. */
    public JobEvent(UUID eventId, UUID jobId, JobEventType type, Instant at, Double fraction, String stage,
                    String message, QuantOutcome quant) {
        this(eventId, jobId, type, at, fraction, stage, message, quant, null, null, null);
    }

    public JobEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
    }

    public static JobEvent started(UUID jobId, String stage) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.STARTED, Instant.now(), 0.0, stage, null, null);
    }

    public static JobEvent progress(UUID jobId, double fraction, String stage, String message) {
        return progress(jobId, fraction, stage, message, null);
    }

    public static JobEvent progress(UUID jobId, double fraction, String stage, String message, ProgressDetail detail) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.PROGRESS, Instant.now(), fraction, stage, message, null, null,
                detail);
    }

    public static JobEvent succeeded(UUID jobId, QuantOutcome quant) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.SUCCEEDED, Instant.now(), 1.0, "done", null, quant);
    }

    public static JobEvent succeeded(UUID jobId, ImatrixOutcome imatrix) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.SUCCEEDED, Instant.now(), 1.0, "done", null, null, imatrix, null);
    }

    public static JobEvent succeeded(UUID jobId, ServeOutcome serve) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.SUCCEEDED, Instant.now(), 1.0, "done", null, null, null, null,
                serve);
    }

    public static JobEvent failed(UUID jobId, String code, String message) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.FAILED, Instant.now(), null, code, message, null);
    }

    public static JobEvent cancelled(UUID jobId, String message) {
        return new JobEvent(UUID.randomUUID(), jobId, JobEventType.CANCELLED, Instant.now(), null, "cancelled", message, null);
    }
}
