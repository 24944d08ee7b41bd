package io.quantarena.jobs.jobs;

import io.quantarena.contracts.ProgressDetail;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A job as the API shows it.
 *
 * @param request           the request as accepted (normalised: ftype, custom_q rules, dataset, ...)
 * @param error             the worker's message when FAILED
 * @param detail            what the worker reported last: current tensor or chunk, bytes written, running value
 * @param warnings          what validation found questionable but not wrong (e.g. a rule that matches nothing)
 * @param quantId           the quant a succeeded quantize job produced (GET /api/quants/{id})
 * @param imatrixArtifactId the importance matrix a succeeded imatrix job produced
 */
public record Job(UUID id, JobType type, JobStatus status, String model, String ftype, Map<String, Object> request,
                  double progress, String stage, ProgressDetail detail, String error, List<String> warnings, Long quantId,
                  Long imatrixArtifactId, Instant createdAt, Instant updatedAt, Instant startedAt, Instant finishedAt) {
}
