package io.quantarena.core.eval;

/** Running negative log-likelihood sums of llama-perplexity (spec perplexity.md §2 steps 5–7). */
public final class PerplexityAccumulator {

    private double nll;
    private double nll2;
    private long count;

    public void add(double tokenNll) {
        nll += tokenNll;
        nll2 += tokenNll * tokenNll;
        count++;
    }

    public long count() {
        return count;
    }

    /** exp(mean nll) over everything added so far. */
    public double perplexity() {
        return Math.exp(nll / count);
    }

    /** Mean nll. */
    public double meanNll() {
        return nll / count;
    }

    /** Standard error of the mean nll, NaN when the variance is not positive. */
    public double meanNllError() {
        double mean = nll / count;
        double var = nll2 / count - mean * mean;
        return var > 0 ? Math.sqrt(var / (count - 1)) : Double.NaN;
    }

    /** The uncertainty printed with the final PPL: se·PPL (NaN when the variance is not positive). */
    public double perplexityError() {
        return meanNllError() * perplexity();
    }
}
