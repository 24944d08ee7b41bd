package io.quantarena.jobs.leaderboard;

import java.time.Instant;
import java.util.UUID;

/**
 * One quant on the leaderboard. {@code evaluation} stays null until an evaluation job has measured it.
 */
public record QuantRow(long id, UUID jobId, String name, String ftype, String recipe, long sizeBytes,
                       double bitsPerWeight, String artifactPath, String sha256, String origin, Instant createdAt,
                       EvaluationSummary evaluation) {

    private static final double GIB = 1024.0 * 1024 * 1024;

    @com.fasterxml.jackson.annotation.JsonProperty("sizeGiB")
    public double sizeGiB() {
        return sizeBytes / GIB;
    }

    /** Perplexity and divergence numbers with their provenance; filled by the evaluation issue. */
    public record EvaluationSummary(Double ppl, Double pplError, Double kldMean, Double deltaPRms, Double sameTopP,
                                    String dataset, Integer nCtx, Integer chunks) {
    }
}
