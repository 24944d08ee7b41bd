package io.quantarena.contracts;

/**
 * The result of an evaluate job with everything needed to reproduce it.
 *
 * @param datasetSha256     sha256 of the dataset file
 * @param nCtx              chunk length
 * @param chunks            chunks evaluated
 * @param tokensScored      predictions scored (chunks × (n_ctx − 1 − n_ctx/2))
 * @param expertUsedCount   experts used per token by the evaluated model (after any override); null for dense models
 * @param ppl               perplexity of the evaluated model
 * @param pplError          its uncertainty (se·PPL); null when the variance was not positive
 * @param kld               KL-divergence statistics; null when not requested
 * @param baseLogits        the base log-probability file the KL-divergence was measured against; null without
 * @param toolVersion       the software that measured it
 * @param seconds           wall time of the evaluation proper (without computing base log-probabilities)
 * @param tokensPerSecond   evaluated tokens (chunks × n_ctx) per second
 */
public record EvaluationOutcome(String dataset, String datasetSha256, int nCtx, int chunks, long tokensScored,
                                Integer expertUsedCount, double ppl, Double pplError, KldStatistics kld,
                                StoredFile baseLogits, String toolVersion, double seconds, double tokensPerSecond) {
}
