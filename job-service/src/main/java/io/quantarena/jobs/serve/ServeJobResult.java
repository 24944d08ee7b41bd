package io.quantarena.jobs.serve;

import io.quantarena.contracts.ServeOutcome;

import java.util.List;
import java.util.UUID;

/** {@code GET /api/jobs/{id}/result} of a serve job: the completions in prompt order and the token totals. */
public record ServeJobResult(UUID jobId, String model, long promptTokens, long completionTokens,
                             List<ServeOutcome.Completion> completions) {
}
