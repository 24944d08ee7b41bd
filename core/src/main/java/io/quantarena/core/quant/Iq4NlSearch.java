package io.quantarena.core.quant;

/**
 * The per-32-element scale search shared by IQ4_NL and IQ4_XS ({@code quantize_row_iq4_nl_impl},
 * spec/quant-types.md §7.2 steps 1–2, ntry = 7, with ik's greedy refinement).
 *
 * <p>Fusion as in the reference binary (§1.1): sumqx = fma(w·q, x, sumqx), sumq2 = fma(w·q, q, sumq2);
 * imatrix weights qw·√fma(x, x, σ²); σ² a plain ordered sum. Kept apart from the ik types'
 * {@link NonLinearScaleSearch}: one level set, candidates from both ends of the table, no sign
 * flip, and a greedy refinement instead of a refit.
 */
final class Iq4NlSearch {

    static final int SUB = 32;
    private static final NonLinearLevels V = IqkLevels.IQ4NL;

    /** Per-call scratch (a search is single-threaded; codecs allocate one per quantize call). */
    private final float[] w = new float[SUB];
    private final byte[] levels = new byte[SUB];
    private final byte[] candidate = new byte[SUB];

    /**
     * Finds the float scale of every 32-element sub-block of one super-block of {@code s}
     * elements into {@code scales[0 .. s/32)} and returns the signed scale of largest magnitude
     * (first wins). {@code qw} is the imatrix (slice starting at {@code qwOff}) or null.
     */
    float subBlockScales(float[] x, int xOff, int s, float[] qw, int qwOff, float[] scales) {
        float sigma2 = 2 * QuantMath.sumOfSquares(x, xOff, s) / s;
        float maxScale = 0;
        float amaxScale = 0;
        for (int ib = 0; ib < s / SUB; ib++) {
            int x0 = xOff + ib * SUB;
            QuantMath.importanceWeights(x, x0, qw, qwOff + ib * SUB, sigma2, true, false, w, 0, SUB);
            float d = searchScale(x, x0);
            scales[ib] = d;
            float ad = Math.abs(d);
            if (ad > amaxScale) {
                amaxScale = ad;
                maxScale = d;
            }
        }
        return maxScale;
    }

    private float searchScale(float[] x, int x0) {
        float max = QuantMath.signedMaxAbs(x, x0, SUB);
        if (Math.abs(max) < 1e-15f) {
            return 0;
        }
        float d = -max / V.level(0);
        float id = 1 / d;
        float sumqx = 0;
        float sumq2 = 0;
        for (int j = 0; j < SUB; j++) {
            int l = V.nearest(id * x[x0 + j]);
            levels[j] = (byte) l;
            float q = V.level(l);
            float wq = w[j] * q;
            sumqx = Math.fma(wq, x[x0 + j], sumqx);
            sumq2 = Math.fma(wq, q, sumq2);
        }
        // all-zero importance weights give sumq2 = 0; a 0 scale avoids writing a NaN
        d = sumq2 > 0 ? sumqx / sumq2 : 0;
        float best = d * sumqx;
        float bestSumqx = sumqx;
        float bestSumq2 = sumq2;
        for (int itry = -7; itry <= 7; itry++) {
            for (int end = 0; end < 2; end++) {
                float cid = (itry + (end == 0 ? V.level(0) : V.level(15))) / max;
                float cqx = 0;
                float cq2 = 0;
                for (int j = 0; j < SUB; j++) {
                    int l = V.nearest(cid * x[x0 + j]);
                    candidate[j] = (byte) l;
                    float q = V.level(l);
                    float wq = w[j] * q;
                    cqx = Math.fma(wq, x[x0 + j], cqx);
                    cq2 = Math.fma(wq, q, cq2);
                }
                if (cq2 > 0 && cqx * cqx > best * cq2) {
                    d = cqx / cq2;
                    best = d * cqx;
                    bestSumqx = cqx;
                    bestSumq2 = cq2;
                    System.arraycopy(candidate, 0, levels, 0, SUB);
                }
            }
        }
        // greedy refinement: take the cheapest single-level move while the fit improves
        sumqx = bestSumqx;
        sumq2 = bestSumq2;
        for (int iter = 0; iter < SUB * SUB; iter++) {
            int bestJ = -1;
            int bestNew = 0;
            float minStep = Float.MAX_VALUE;
            for (int j = 0; j < SUB; j++) {
                int l = levels[j];
                float xj = x[x0 + j];
                float resid = xj - d * V.level(l);
                float g = d * w[j] * resid;
                if (g > 0 && l < 15) {
                    float step = (V.level(l + 1) - V.level(l)) / g;
                    if (step < minStep) {
                        minStep = step;
                        bestJ = j;
                        bestNew = l + 1;
                    }
                } else if (g < 0 && l > 0) {
                    float step = (V.level(l - 1) - V.level(l)) / g;
                    if (step < minStep) {
                        minStep = step;
                        bestJ = j;
                        bestNew = l - 1;
                    }
                }
            }
            if (bestJ < 0) {
                break;
            }
            int qOld = V.level(levels[bestJ]);
            int qNew = V.level(bestNew);
            float wj = w[bestJ];
            float xj = x[x0 + bestJ];
            float newSumqx = sumqx + wj * xj * (qNew - qOld);
            float newSumq2 = sumq2 + wj * (qNew * qNew - qOld * qOld);
            if (newSumq2 > 0 && newSumqx * newSumqx > best * newSumq2) {
                sumqx = newSumqx;
                sumq2 = newSumq2;
                d = sumqx / sumq2;
                best = d * sumqx;
                levels[bestJ] = (byte) bestNew;
            } else {
                break;
            }
        }
        return d;
    }
}
