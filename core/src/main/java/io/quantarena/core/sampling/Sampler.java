package io.quantarena.core.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits in llama.cpp's default order: repetition penalty, top-k,
 * top-p, min-p, temperature, then a seeded random draw (or the arg-max when greedy).
 */
public final class Sampler {

    private final SamplerConfig cfg;
    private final SplittableRandom random;

    public Sampler(SamplerConfig cfg) {
        this.cfg = cfg;
        this.random = new SplittableRandom(cfg.seed());
    }

    public SamplerConfig config() {
        return cfg;
    }

    /**
     * @param history previously seen tokens (prompt and generated), the last {@code repeatLastN}
     *                of which are penalised
     */
    public int sample(float[] logits, int off, int nVocab, int[] history, int historyLen) {
        float[] l = Arrays.copyOfRange(logits, off, off + nVocab);
        applyRepetitionPenalty(l, history, historyLen);
        if (cfg.isGreedy()) {
            return argmax(l);
        }
        Integer[] order = new Integer[nVocab];
        for (int i = 0; i < nVocab; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(l[b], l[a]));
        int keep = nVocab;
        if (cfg.topK() > 0) {
            keep = Math.min(keep, cfg.topK());
        }
        // probabilities of the kept candidates (softmax over them, as llama.cpp renormalises)
        double[] p = softmax(l, order, keep);
        if (cfg.topP() < 1f) {
            double cum = 0;
            int k = 0;
            while (k < keep) {
                cum += p[k];
                k++;
                if (cum >= cfg.topP()) {
                    break;
                }
            }
            keep = Math.max(1, k);
        }
        if (cfg.minP() > 0f) {
            float threshold = l[order[0]] + (float) StrictMath.log(cfg.minP());
            int k = 1;
            while (k < keep && l[order[k]] >= threshold) {
                k++;
            }
            keep = k;
        }
        for (int i = 0; i < keep; i++) {
            l[order[i]] /= cfg.temperature();
        }
        p = softmax(l, order, keep);
        double r = random.nextDouble();
        double cum = 0;
        for (int i = 0; i < keep; i++) {
            cum += p[i];
            if (r < cum) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    /** Penalises each distinct token among the last repeatLastN once. */
    void applyRepetitionPenalty(float[] l, int[] history, int historyLen) {
        float penalty = cfg.repeatPenalty();
        if (penalty == 1f || cfg.repeatLastN() == 0 || historyLen == 0) {
            return;
        }
        int from = Math.max(0, historyLen - cfg.repeatLastN());
        boolean[] seen = new boolean[l.length];
        for (int i = from; i < historyLen; i++) {
            int t = history[i];
            if (t < 0 || t >= l.length || seen[t]) {
                continue;
            }
            seen[t] = true;
            l[t] = l[t] > 0 ? l[t] / penalty : l[t] * penalty;
        }
    }

    private static double[] softmax(float[] l, Integer[] order, int keep) {
        double[] p = new double[keep];
        float max = l[order[0]];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = StrictMath.exp(l[order[i]] - max);
            sum += p[i];
        }
        for (int i = 0; i < keep; i++) {
            p[i] /= sum;
        }
        return p;
    }

    static int argmax(float[] l) {
        int best = 0;
        for (int i = 1; i < l.length; i++) {
            if (l[i] > l[best]) {
                best = i;
            }
        }
        return best;
    }
}
