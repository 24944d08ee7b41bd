package io.quantarena.core.eval;

/**
 * Outcome of a perplexity run.
 *
 * @param runningPpl cumulative perplexity after each chunk (the {@code [i]} values)
 * @param pplError   the printed uncertainty se·PPL (NaN if the variance was not positive)
 */
public record PerplexityResult(int nCtx, int chunks, long scored, double ppl, double pplError, double[] runningPpl) {
}
