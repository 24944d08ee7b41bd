package io.quantarena.jobs.jobs;

import java.time.Instant;
import java.util.UUID;

/**
 * One stored worker event; {@code detail} is the PROGRESS event's current item and counters (quantize and
 * imatrix jobs); {@code applied} is false for events that arrived after the job had finished.
 * {@code metrics} holds an evaluation's running numbers (done, total, runningPpl, runningKld), else is empty.
 */
public record JobEventView(UUID eventId, String type, Instant at, Double fraction, String stage, String message,
                           io.quantarena.contracts.ProgressDetail detail, boolean applied, java.util.Map<String, Object> metrics) {
}
