package io.quantarena.core.quant;

/**
 * ggml's {@code make_qx_quants} (ggml-quants.c, ik version with the greedy refinement;
 * spec/quant-types.md §2.2): symmetric signed levels −nmax … nmax−1 and a weighted
 * least-squares scale. Used by Q4_0, Q5_0, Q6_0 (and, per spec, Q3_K and Q6_K).
 *
 * <p>Fusion as in the reference binary (§1.1): levels round the exact product
 * {@code iscale·x}; the sums Σw·x·l and Σw·l² are plain (the loop is vectorized).
 */
public final class SymmetricScaleSearch {

    private SymmetricScaleSearch() {
    }

    /**
     * @param w weights, or null for the default {@code x²}
     * @param levels receives L_i = l_i + nmax ∈ [0, 2·nmax−1] at {@code levels[lOff + i]}
     * @return the scale (0 for an all-zero input, with all levels 0)
     */
    public static float makeQxQuants(int n, int nmax, float[] x, int xOff, float[] w, int wOff,
                                     byte[] levels, int lOff) {
        float max = QuantMath.signedMaxAbs(x, xOff, n);
        if (Math.abs(max) < 1e-15f) {
            for (int i = 0; i < n; i++) {
                levels[lOff + i] = 0;
            }
            return 0;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            int l = clampLevel(QuantMath.nearestIntOfProduct(iscale, xi), nmax);
            levels[lOff + i] = (byte) (l + nmax);
            float wi = w != null ? w[wOff + i] : xi * xi;
            sumlx += wi * xi * l;
            suml2 += wi * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            for (int c = 0; c < 2; c++) {
                float cand = c == 0 ? -(nmax + 0.1f * is) / max : (nmax - 1 + 0.1f * is) / max;
                float slx = 0;
                float sl2 = 0;
                for (int i = 0; i < n; i++) {
                    float xi = x[xOff + i];
                    int l = clampLevel(QuantMath.nearestIntOfProduct(cand, xi), nmax);
                    float wi = w != null ? w[wOff + i] : xi * xi;
                    slx += wi * xi * l;
                    sl2 += wi * l * l;
                }
                if (sl2 > 0 && slx * slx > best * sl2) {
                    for (int i = 0; i < n; i++) {
                        levels[lOff + i] = (byte) (clampLevel(QuantMath.nearestIntOfProduct(cand, x[xOff + i]), nmax) + nmax);
                    }
                    scale = slx / sl2;
                    best = scale * slx;
                    sumlx = slx;
                    suml2 = sl2;
                }
            }
        }
        // ik's greedy refinement: move the level whose residual gradient is largest by one step
        int maxIter = n * (2 * nmax - 1);
        for (int iter = 0; iter < maxIter; iter++) {
            int bestJ = -1;
            float bestG = 0;
            float bestGSigned = 0;
            for (int j = 0; j < n; j++) {
                float xj = x[xOff + j];
                float wj = w != null ? w[wOff + j] : xj * xj;
                int l = levels[lOff + j] - nmax;
                float g = gradient(scale, wj, xj, l);
                if ((g > 0 && l < nmax - 1) || (g < 0 && l > -nmax)) {
                    float ag = Math.abs(g);
                    if (ag > bestG) {
                        bestG = ag;
                        bestGSigned = g;
                        bestJ = j;
                    }
                }
            }
            if (bestJ < 0) {
                break;
            }
            float xj = x[xOff + bestJ];
            float wj = w != null ? w[wOff + bestJ] : xj * xj;
            int l = levels[lOff + bestJ] - nmax;
            float newSumlx;
            float newSuml2;
            int newL;
            if (bestGSigned > 0) {
                newSumlx = sumlx + wj * xj;
                newSuml2 = suml2 + wj * (2 * l + 1);
                newL = l + 1;
            } else {
                newSumlx = sumlx - wj * xj;
                newSuml2 = suml2 - wj * (2 * l - 1);
                newL = l - 1;
            }
            if (newSuml2 > 0 && newSumlx * newSumlx > best * newSuml2) {
                sumlx = newSumlx;
                suml2 = newSuml2;
                scale = sumlx / suml2;
                best = scale * sumlx;
                levels[lOff + bestJ] = (byte) (newL + nmax);
            } else {
                break;
            }
        }
        return scale;
    }

    private static float gradient(float scale, float w, float x, int l) {
        return scale * w * (x - scale * l);
    }

    private static int clampLevel(int l, int nmax) {
        return Math.max(-nmax, Math.min(nmax - 1, l));
    }
}
