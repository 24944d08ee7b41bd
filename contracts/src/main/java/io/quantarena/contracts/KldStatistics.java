package io.quantarena.contracts;

/**
 * llama-perplexity's KL-divergence report of a model against the base model's log-probabilities.
 * Δp and same-top-p are fractions (1 = 100 %).
 *
 * @param pplBase       perplexity of the base model from the stored (16-bit) log-probabilities
 * @param corLnPpl      correlation of ln PPL(Q) and ln PPL(base), a fraction
 * @param meanLnRatio   mean ln(PPL(Q)/PPL(base))
 * @param kldP99_9      KLD 99.9th percentile; the others likewise
 * @param deltaPRms     RMS of the change in the correct token's probability
 * @param sameTopP      fraction of positions where both models agree on the top token
 */
public record KldStatistics(double pplBase, double pplBaseError, double corLnPpl,
                            double meanLnRatio, double meanLnRatioError,
                            double kldMean, double kldMeanError, double kldMax, double kldP99_9, double kldP99,
                            double kldP95, double kldP90, double kldMedian, double kldP10, double kldP5, double kldP1,
                            double kldP0_1, double kldMin,
                            double deltaPMean, double deltaPMeanError, double deltaPMax, double deltaPP99,
                            double deltaPMedian, double deltaPP1, double deltaPMin,
                            double deltaPRms, double deltaPRmsError, double sameTopP, double sameTopPError) {
}
