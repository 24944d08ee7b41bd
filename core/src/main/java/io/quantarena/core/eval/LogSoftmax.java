package io.quantarena.core.eval;

import io.quantarena.core.model.FastExp;

/** Log-probabilities of one position's logits with llama-perplexity's rounding (spec perplexity.md §2, §4). */
public final class LogSoftmax {

    private LogSoftmax() {
    }

    /**
     * log p(tok) = l_tok − m − log(Σ expf(l_i − m)) with the maximum m in float and the sum and
     * result in double (the perplexity mode).
     */
    public static double logProb(float[] logits, int off, int nVocab, int tok) {
        float max = logits[off];
        for (int i = 1; i < nVocab; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double sum = 0.0;
        for (int i = 0; i < nVocab; i++) {
            sum += FastExp.exp(logits[off + i] - max);
        }
        return logits[off + tok] - max - StrictMath.log(sum);
    }

    /** Index of the first maximum (strict {@code >}). */
    public static int argmax(float[] v, int off, int n) {
        int best = 0;
        float bv = v[off];
        for (int i = 1; i < n; i++) {
            if (v[off + i] > bv) {
                bv = v[off + i];
                best = i;
            }
        }
        return best;
    }

    /** (float) log Σ expf(l_i − M) for the given maximum M, the sum in double. */
    public static float logSumExpShifted(float[] logits, int off, int nVocab, float max) {
        double sum = 0.0;
        for (int i = 0; i < nVocab; i++) {
            sum += FastExp.exp(logits[off + i] - max);
        }
        return (float) StrictMath.log(sum);
    }
}
