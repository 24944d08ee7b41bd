package io.quantarena.jobs.leaderboard;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * One row of the leaderboard: a quant (or, with origin {@code base}, the base model itself) with one
 * of its evaluations; a quant measured with different settings has a row per setting, one never
 * measured has a row with {@code evaluation} null.
 *
 * @param origin {@code produced} (ours), {@code community} (uploaded; see {@code author}) or {@code base}
 */
public record QuantRow(long id, UUID jobId, String name, String ftype, String recipe, long sizeBytes,
                       double bitsPerWeight, String artifactPath, String sha256, String origin, String author,
                       Instant createdAt, EvaluationSummary evaluation) {

    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final double GB = 1e9;

    @com.fasterxml.jackson.annotation.JsonProperty("sizeGiB")
    public double sizeGiB() {
        return sizeBytes / GIB;
    }

    @com.fasterxml.jackson.annotation.JsonProperty("sizeGB")
    public double sizeGB() {
        return sizeBytes / GB;
    }

    /**
     * The numbers of one evaluation and how they were measured. Δp and same-top-p are fractions.
     *
     * @param id              the evaluation's id
     * @param baseLogitsSha256 the base log-probabilities the KL-divergence was measured against
     */
    public record EvaluationSummary(long id, UUID jobId, String dataset, String datasetSha256, int nCtx, int chunks,
                                    Integer expertUsedCount, boolean klDivergence, Double ppl, Double pplError,
                                    Double meanLnRatio, Double meanLnRatioError, Double kldMean, Double kldMeanError,
                                    Double kldMedian, Double kldP99, Double kldMax, Double deltaPRms,
                                    Double deltaPRmsError, Double sameTopP, Double sameTopPError,
                                    Double tokensPerSecond, String toolVersion, String imatrixSha256,
                                    String baseLogitsSha256, Instant createdAt) {

        /** The settings in one line, e.g. {@code wiki.test.raw · n_ctx 512 · 20 chunks · 2 experts}. */
        @com.fasterxml.jackson.annotation.JsonProperty("settings")
        public String settings() {
            return String.format(Locale.ROOT, "%s · n_ctx %d · %d chunk%s%s%s", dataset, nCtx, chunks,
                    chunks == 1 ? "" : "s", expertUsedCount == null ? "" : " · " + expertUsedCount + " experts",
                    klDivergence ? " · KLD" : "");
        }
    }
}
