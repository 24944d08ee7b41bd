package io.quantarena.core.quant;

/**
 * ik's {@code make_qkx3_quants} (spec/quant-types.md §2.6): levels 0 … nmax with a scale and
 * a non-positive offset, found by a scan of candidate scales, a closed-form least-squares fit
 * in double and a greedy refinement. Used by the imatrix paths of Q4_1 and Q5_1 (and, per
 * spec, Q4_K/Q5_K).
 *
 * <p>The arithmetic follows the reference binary's fusion exactly (§1.1 recipe R3):
 * every {@code Math.fma} below is a fused multiply-add there, every other product is rounded
 * on its own. The candidate at rmin + rdelta·is = −0.5 creates exact ties, so this matters.
 */
public final class ScaleMinSearch {

    private ScaleMinSearch() {
    }

    /** Scale and offset of a fit: y = scale·L − theMin. */
    public record Fit(float scale, float theMin) {
    }

    /**
     * @param w      weights, or null for the default x²
     * @param levels receives L_i ∈ [0, nmax]; {@code scratch} must hold n bytes
     * @return the scale and {@code the_min} (≥ 0 except for −0.0; the decoded offset is −the_min)
     */
    public static Fit makeQkx3Quants(int n, int nmax, float[] x, int xOff, float[] w, int wOff,
                                     byte[] levels, int lOff, byte[] scratch,
                                     float rmin, float rdelta, int nstep) {
        float min = x[xOff];
        float max = x[xOff];
        double w0 = weight(x, xOff, w, wOff, 0);
        double sumW = w0;
        double sumX = sumW * x[xOff];
        double sumX2 = sumX * x[xOff];
        for (int i = 1; i < n; i++) {
            float xi = x[xOff + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            double wi = weight(x, xOff, w, wOff, i);
            sumW += wi;
            double t = xi * wi;
            sumX += t;
            sumX2 += t * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max - min < 1e-10f) {
            for (int i = 0; i < n; i++) {
                levels[lOff + i] = 0;
            }
            return new Fit(0, -min);
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        double bestMad = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            int l = clamp(QuantMath.nearestIntOfProduct(iscale, xi - min), nmax);
            levels[lOff + i] = (byte) l;
            double diff = Math.fma((double) l, scale, min) - xi;
            bestMad = Math.fma(diff * diff, weight(x, xOff, w, wOff, i), bestMad);
        }
        for (int is = 0; is <= nstep; is++) {
            float candIscale = (Math.fma((float) is, rdelta, rmin) + nmax) / (max - min);
            double sumL = 0;
            double sumL2 = 0;
            double sumXL = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xOff + i];
                int l = clamp(QuantMath.nearestIntOfProduct(candIscale, xi - min), nmax);
                scratch[i] = (byte) l;
                double wl = weight(x, xOff, w, wOff, i) * l;
                sumL2 = Math.fma(l, wl, sumL2);
                sumXL = Math.fma(xi, wl, sumXL);
                sumL += wl;
            }
            double det = Math.fma(sumL2, sumW, -(sumL * sumL));
            if (det > 0) {
                double thisMin = Math.fma(sumL2, sumX, -(sumL * sumXL)) / det;
                double thisScale;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                } else {
                    thisScale = Math.fma(-sumL, sumX, sumXL * sumW) / det;
                }
                double ts = thisScale;
                double tm = thisMin;
                double mad = Math.fma(sumW, tm * tm, Math.fma(sumL2, ts * ts, Math.fma(sumL, (2 * ts) * tm,
                        Math.fma(-2 * tm, sumX, Math.fma(-2 * ts, sumXL, sumX2)))));
                if (mad < bestMad) {
                    System.arraycopy(scratch, 0, levels, lOff, n);
                    bestMad = mad;
                    scale = (float) ts;
                    min = (float) tm;
                }
            }
        }
        // greedy refinement: move one level at a time while the closed-form score improves
        double sumL = 0;
        double sumL2 = 0;
        double sumXL = 0;
        for (int i = 0; i < n; i++) {
            int l = levels[lOff + i];
            double wl = weight(x, xOff, w, wOff, i) * l;
            sumL2 = Math.fma(l, wl, sumL2);
            sumXL = Math.fma(x[xOff + i], wl, sumXL);
            sumL += wl;
        }
        double s = scale;
        double m = min;
        double best = Math.fma(-(m * m), sumW, Math.fma(-(s * s), sumL2, Math.fma(-((2 * s) * m), sumL,
                Math.fma(2 * s, sumXL, (2 * m) * sumX))));
        int lastJ = -1;
        int lastDir = 0;
        for (int iter = 0; iter < nmax * n; iter++) {
            int bestJ = -1;
            int bestDir = 0;
            float maxG = 0;
            for (int j = 0; j < n; j++) {
                int l = levels[lOff + j];
                float g = Math.fma(-scale, (float) l, x[xOff + j]) - min;
                if (g > 0 && l < nmax && g > maxG) {
                    maxG = g;
                    bestJ = j;
                    bestDir = 1;
                } else if (g < 0 && l > 0 && -g > maxG) {
                    maxG = -g;
                    bestJ = j;
                    bestDir = -1;
                }
            }
            if (bestJ < 0 || (bestJ == lastJ && bestDir == -lastDir)) {
                break;
            }
            int l = levels[lOff + bestJ];
            double wj = weight(x, xOff, w, wOff, bestJ);
            float xj = x[xOff + bestJ];
            sumL = Math.fma(wj, bestDir, sumL);
            sumL2 = Math.fma(wj, 2 * l * bestDir + 1, sumL2);
            sumXL = Math.fma(bestDir, xj * wj, sumXL);
            double det = Math.fma(sumL2, sumW, -(sumL * sumL));
            if (det <= 0) {
                break;
            }
            double tm = Math.fma(sumL2, sumX, -(sumL * sumXL)) / det;
            double ts;
            if (tm > 0) {
                tm = 0;
                ts = sumXL / sumL2;
            } else {
                ts = Math.fma(-sumL, sumX, sumXL * sumW) / det;
            }
            if (ts < 0) {
                break;
            }
            double score = Math.fma(-(tm * tm), sumW, Math.fma(-(ts * ts), sumL2, Math.fma(-((2 * ts) * tm), sumL,
                    Math.fma(2 * ts, sumXL, (2 * tm) * sumX))));
            if (score <= best) {
                break;
            }
            best = score;
            scale = (float) ts;
            min = (float) tm;
            levels[lOff + bestJ] = (byte) (l + bestDir);
            lastJ = bestJ;
            lastDir = bestDir;
        }
        return new Fit(scale, -min);
    }

    private static double weight(float[] x, int xOff, float[] w, int wOff, int i) {
        if (w != null) {
            return w[wOff + i];
        }
        float xi = x[xOff + i];
        return xi * xi;
    }

    private static int clamp(int l, int nmax) {
        return Math.max(0, Math.min(nmax, l));
    }
}
