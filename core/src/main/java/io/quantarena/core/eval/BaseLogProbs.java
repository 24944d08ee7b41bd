package io.quantarena.core.eval;

/**
 * The 16-bit compression of one position's log-probabilities used by llama-perplexity's
 * {@code --kl-divergence-base} file (spec perplexity.md §3): per record a float scale, a float
 * min_log_prob and one uint16 code per vocabulary entry.
 */
public final class BaseLogProbs {

    private BaseLogProbs() {
    }

    /** uint16 words per record: n_vocab rounded up to even, plus 4 for the two floats. */
    public static int recordWords(int nVocab) {
        return 2 * ((nVocab + 1) / 2) + 4;
    }

    /**
     * Encodes {@code logits[off … off+nVocab)} into {@code codes} (length nVocab) and returns
     * {scale, minLogProb, nll of tok} — the nll in float, (M + lse − l_tok), as the base run
     * accumulates it.
     */
    public static float[] encode(float[] logits, int off, int nVocab, int tok, char[] codes) {
        float max = logits[off];
        float min = logits[off];
        for (int i = 1; i < nVocab; i++) {
            float v = logits[off + i];
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        min = Math.max(min, max - 24f);
        float lse = LogSoftmax.logSumExpShifted(logits, off, nVocab, max);
        float minLogProb = min - max - lse;
        float scale = (max - min) / 65535f;
        if (scale != 0f) {
            float inv = 1f / scale;
            for (int i = 0; i < nVocab; i++) {
                float v = logits[off + i];
                codes[i] = v > min ? (char) nearestInt((v - min) * inv) : 0;
            }
        } else {
            java.util.Arrays.fill(codes, 0, nVocab, (char) 0);
        }
        float nll = max + lse - logits[off + tok];
        return new float[]{scale, minLogProb, nll};
    }

    /** ggml's nearest_int: round half to even. */
    static int nearestInt(float v) {
        return (int) Math.rint(v);
    }
}
