package io.quantarena.core.quant;

import java.util.Arrays;

import static io.quantarena.core.quant.QuantMath.nearestInt;
import static io.quantarena.core.quant.QuantMath.nearestIntOfProduct;

/**
 * The level/scale searches of spec/quant-types.md §2.2–§2.7, shared by the K-quant encoders
 * and the imatrix paths of the legacy 32-element formats (Q4_0, Q5_0, Q6_0 use
 * {@link #makeQxQuants}; Q4_1, Q5_1 use {@link #makeQkx3Quants}), evaluated in the order of the x86 reference build (§1.1): {@link Math#fma} exactly where
 * §1.1 says that build fuses a multiply-add (recipes R1, R3, R4 in make_qkx2/make_qkx3/
 * make_qp_quants, and every {@code nearest_int(a*b)}, which rounds the exact product);
 * separate roundings everywhere else.
 *
 * <p>Note on §2.5/§2.6: inside the candidate loop the reference keeps updating {@code min}
 * with the best candidate so far, and later candidates use that {@code min} both in
 * {@code max - min} and in {@code x - min}. With the initial min instead, 15–24 of the 28
 * blocks of each Q2_K/Q4_K/Q5_K reference file differ (6–15 when only the range is kept fixed).
 *
 * <p>All methods are stateless; callers pass their own scratch arrays (level arrays are
 * {@code int[]} holding the unsigned level values).
 */
public final class KQuantMath {

    /** ggml's GROUP_MAX_EPS: below this the symmetric searches treat a group as zero. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private KQuantMath() {
    }

    // ---------------------------------------------------------------- small helpers

    private static int clamp(int v, int lo, int hi) {
        return Math.min(Math.max(v, lo), hi);
    }

    // ---------------------------------------------------------------- make_qx_quants (§2.2)

    /**
     * Symmetric signed levels with scale search and the ik greedy refinement (§2.2,
     * rmse_type 1; Q3_K, Q6_K, Q4_0, Q5_0, Q6_0). Levels {@code -nmax..nmax-1} are stored in {@code levels} offset by nmax.
     * The weighted sums are accumulated unfused (the reference vectorizes these loops; §1.1
     * Q6_K row). §1.1 names no fusion in the candidate scales or the greedy refinement, so
     * those are unfused too (the reference files cannot tell either way).
     *
     * @param weights per-element weights, or null for x²
     * @return the scale (0 for an all-(near-)zero group)
     */
    public static float makeQxQuants(int n, int nmax, float[] x, int xOff, int[] levels, int lOff,
                                     float[] weights, int wOff) {
        float max = QuantMath.signedMaxAbs(x, xOff, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            Arrays.fill(levels, lOff, lOff + n, 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            int l = clamp(nearestIntOfProduct(iscale, xi), -nmax, nmax - 1);
            levels[lOff + i] = l + nmax;
            float w = weights != null ? weights[wOff + i] : xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            for (int candidate = 0; candidate < 2; candidate++) {
                float cIscale = candidate == 0
                        ? -(nmax + 0.1f * is) / max
                        : (nmax - 1 + 0.1f * is) / max;
                float cSumlx = 0;
                float cSuml2 = 0;
                for (int i = 0; i < n; i++) {
                    float xi = x[xOff + i];
                    int l = clamp(nearestIntOfProduct(cIscale, xi), -nmax, nmax - 1);
                    float w = weights != null ? weights[wOff + i] : xi * xi;
                    cSumlx += w * xi * l;
                    cSuml2 += w * l * l;
                }
                if (cSuml2 > 0 && cSumlx * cSumlx > best * cSuml2) {
                    for (int i = 0; i < n; i++) {
                        int l = clamp(nearestIntOfProduct(cIscale, x[xOff + i]), -nmax, nmax - 1);
                        levels[lOff + i] = l + nmax;
                    }
                    scale = cSumlx / cSuml2;
                    best = scale * cSumlx;
                    sumlx = cSumlx;
                    suml2 = cSuml2;
                }
            }
        }
        // ik's greedy refinement: move one level at a time along the largest gradient.
        int maxIter = n * (2 * nmax - 1);
        for (int iter = 0; iter < maxIter; iter++) {
            int bestJ = -1;
            float bestG = 0;
            float bestAbs = 0;
            for (int j = 0; j < n; j++) {
                int l = levels[lOff + j] - nmax;
                float xj = x[xOff + j];
                float w = weights != null ? weights[wOff + j] : xj * xj;
                float g = scale * w * (xj - scale * l);
                if ((g > 0 && l < nmax - 1) || (g < 0 && l > -nmax)) {
                    float ag = Math.abs(g);
                    if (ag > bestAbs) {
                        bestAbs = ag;
                        bestG = g;
                        bestJ = j;
                    }
                }
            }
            if (bestJ < 0) {
                break;
            }
            int l = levels[lOff + bestJ] - nmax;
            float xj = x[xOff + bestJ];
            float w = weights != null ? weights[wOff + bestJ] : xj * xj;
            float newSumlx;
            float newSuml2;
            int newL;
            if (bestG > 0) {
                newSumlx = sumlx + w * xj;
                newSuml2 = suml2 + w * (2 * l + 1);
                newL = l + 1;
            } else {
                newSumlx = sumlx - w * xj;
                newSuml2 = suml2 - w * (2 * l - 1);
                newL = l - 1;
            }
            if (newSuml2 > 0 && newSumlx * newSumlx > best * newSuml2) {
                sumlx = newSumlx;
                suml2 = newSuml2;
                scale = sumlx / suml2;
                best = scale * sumlx;
                levels[lOff + bestJ] = newL + nmax;
            } else {
                break;
            }
        }
        return scale;
    }

    // ---------------------------------------------------------------- make_q3_quants (§2.4)

    /**
     * Q3_K reference search (§2.4, weights x²): levels {@code -nmax..nmax-1} stored offset by
     * nmax in {@code levels}. No fused sums (§1.1 names none for this routine; its loop has the
     * vectorizable shape of make_qx_quants', and the reference files match this way).
     */
    public static float makeQ3Quants(int n, int nmax, float[] x, int xOff, int[] levels, int lOff) {
        float max = QuantMath.signedMaxAbs(x, xOff, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            Arrays.fill(levels, lOff, lOff + n, 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            int l = clamp(nearestIntOfProduct(iscale, xi), -nmax, nmax - 1);
            levels[lOff + i] = l;
            float w = xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        for (int pass = 0; pass < 5; pass++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xOff + i];
                float w = xi * xi;
                int li = levels[lOff + i];
                float slx = sumlx - w * xi * li;
                if (slx > 0) {
                    float sl2 = suml2 - w * li * li;
                    int newL = clamp(nearestInt(xi * sl2 / slx), -nmax, nmax - 1);
                    if (newL != li) {
                        slx += w * xi * newL;
                        sl2 += w * newL * newL;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            levels[lOff + i] = newL;
                            sumlx = slx;
                            suml2 = sl2;
                            changed++;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            levels[lOff + i] += nmax;
        }
        return sumlx / suml2;
    }

    // ---------------------------------------------------------------- make_qkx2_quants (§2.5, R1)

    /**
     * Asymmetric (scale, min) search of the reference K-quant encoders (§2.5, recipe R1).
     * Writes levels {@code 0..nmax} to {@code levels} and {@code -min} (≥ 0) to
     * {@code mins[minIdx]}; returns the scale. {@code aux} is scratch of at least n ints.
     */
    public static float makeQkx2Quants(int n, int nmax, float[] x, int xOff, float[] w, int wOff,
                                       int[] levels, int lOff, float[] mins, int minIdx, int[] aux,
                                       float rmin, float rdelta, int nstep, boolean useMad) {
        float min = x[xOff];
        float max = x[xOff];
        float sumW = w[wOff];
        float sumX = sumW * x[xOff];
        for (int i = 1; i < n; i++) {
            float xi = x[xOff + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float wi = w[wOff + i];
            sumW += wi;
            sumX += wi * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max - min < 1e-10f) {
            Arrays.fill(levels, lOff, lOff + n, 0);
            mins[minIdx] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestMad = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            int l = clamp(nearestIntOfProduct(iscale, xi - min), 0, nmax);
            levels[lOff + i] = l;
            float diff = Math.fma((float) l, scale, min) - xi;
            bestMad = Math.fma(w[wOff + i], useMad ? Math.abs(diff) : diff * diff, bestMad);
        }
        if (nstep < 1) {
            mins[minIdx] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; is++) {
            // min is the best candidate's so far (the reference updates it inside the loop).
            float cIscale = (Math.fma((float) is, rdelta, rmin) + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xOff + i];
                int l = clamp(nearestIntOfProduct(cIscale, xi - min), 0, nmax);
                aux[i] = l;
                float wl = l * w[wOff + i];
                sumL2 = Math.fma((float) l, wl, sumL2);
                sumXL = Math.fma(xi, wl, sumXL);
                sumL = sumL + wl;
            }
            float det = Math.fma(sumL2, sumW, -(sumL * sumL));
            if (det > 0) {
                float thisMin = Math.fma(sumL2, sumX, -(sumL * sumXL)) / det;
                float thisScale;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                } else {
                    thisScale = Math.fma(-sumL, sumX, sumXL * sumW) / det;
                }
                float mad = 0;
                for (int i = 0; i < n; i++) {
                    float diff = Math.fma((float) aux[i], thisScale, thisMin) - x[xOff + i];
                    mad = Math.fma(w[wOff + i], useMad ? Math.abs(diff) : diff * diff, mad);
                }
                if (mad < bestMad) {
                    System.arraycopy(aux, 0, levels, lOff, n);
                    bestMad = mad;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        mins[minIdx] = -min;
        return scale;
    }

    // ---------------------------------------------------------------- make_qkx3_quants (§2.6, R3)

    /**
     * ik's asymmetric search with double accumulation, closed-form error and greedy
     * refinement (§2.6, recipe R3; use_mad = false; imatrix paths of Q2_K, Q4_K, Q5_K, Q4_1,
     * Q5_1). Outputs as {@link #makeQkx2Quants}. Its first half has the shape of
     * makeQkx2Quants but is kept apart on purpose: R3 accumulates in double and scores a
     * candidate in closed form, R1 accumulates in float and sums the error per element, so a
     * shared loop would change roundings one of the two reference builds relies on.
     */
    public static float makeQkx3Quants(int n, int nmax, float[] x, int xOff, float[] w, int wOff,
                                       int[] levels, int lOff, float[] mins, int minIdx, int[] aux,
                                       float rmin, float rdelta, int nstep) {
        float min = x[xOff];
        float max = x[xOff];
        double sumW = w[wOff];
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
            sumW += w[wOff + i];
            double t = (double) xi * w[wOff + i];
            sumX += t;
            sumX2 += t * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max - min < 1e-10f) {
            Arrays.fill(levels, lOff, lOff + n, 0);
            mins[minIdx] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        double bestMad = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            int l = clamp(nearestIntOfProduct(iscale, xi - min), 0, nmax);
            levels[lOff + i] = l;
            double diff = Math.fma((double) l, (double) scale, (double) min) - xi;
            bestMad = Math.fma(diff * diff, (double) w[wOff + i], bestMad);
        }
        for (int is = 0; is <= nstep; is++) {
            // min is the best candidate's so far (the reference updates it inside the loop).
            float cIscale = (Math.fma((float) is, rdelta, rmin) + nmax) / (max - min);
            double sumL = 0;
            double sumL2 = 0;
            double sumXL = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xOff + i];
                int l = clamp(nearestIntOfProduct(cIscale, xi - min), 0, nmax);
                aux[i] = l;
                double wl = (double) w[wOff + i] * l;
                sumL2 = Math.fma((double) l, wl, sumL2);
                sumXL = Math.fma((double) xi, wl, sumXL);
                sumL += wl;
            }
            double det = Math.fma(sumL2, sumW, -(sumL * sumL));
            if (det > 0) {
                double tm = Math.fma(sumL2, sumX, -(sumL * sumXL)) / det;
                double ts;
                if (tm > 0) {
                    tm = 0;
                    ts = sumXL / sumL2;
                } else {
                    ts = Math.fma(-sumL, sumX, sumXL * sumW) / det;
                }
                double mad = Math.fma(sumW, tm * tm, Math.fma(sumL2, ts * ts, Math.fma(sumL, (2 * ts) * tm,
                        Math.fma(-2 * tm, sumX, Math.fma(-2 * ts, sumXL, sumX2)))));
                if (mad < bestMad) {
                    System.arraycopy(aux, 0, levels, lOff, n);
                    bestMad = mad;
                    scale = (float) ts;
                    min = (float) tm;
                }
            }
        }
        // Greedy refinement: one level step at a time while the closed-form score improves.
        double sumL = 0;
        double sumL2 = 0;
        double sumXL = 0;
        for (int i = 0; i < n; i++) {
            int l = levels[lOff + i];
            double wl = (double) w[wOff + i] * l;
            sumL2 = Math.fma((double) l, wl, sumL2);
            sumXL = Math.fma((double) x[xOff + i], wl, sumXL);
            sumL += wl;
        }
        double s = scale;
        double m = min;
        double best = score(s, m, sumW, sumX, sumL, sumL2, sumXL);
        int lastJ = -1;
        int lastDir = 0;
        for (int iter = 0; iter < nmax * n; iter++) {
            int bestJ = -1;
            int dir = 0;
            float bestAbs = 0;
            for (int j = 0; j < n; j++) {
                int l = levels[lOff + j];
                float g = Math.fma(-scale, (float) l, x[xOff + j]) - min;
                if (g > 0 && l < nmax) {
                    if (g > bestAbs) {
                        bestAbs = g;
                        bestJ = j;
                        dir = 1;
                    }
                } else if (g < 0 && l > 0) {
                    if (-g > bestAbs) {
                        bestAbs = -g;
                        bestJ = j;
                        dir = -1;
                    }
                }
            }
            if (bestJ < 0 || (bestJ == lastJ && dir == -lastDir)) {
                break;
            }
            double wj = w[wOff + bestJ];
            int lj = levels[lOff + bestJ];
            sumL = Math.fma(wj, (double) dir, sumL);
            sumL2 = Math.fma(wj, (double) (2 * lj * dir + 1), sumL2);
            sumXL = Math.fma((double) dir, (double) x[xOff + bestJ] * wj, sumXL);
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
            double sc = score(ts, tm, sumW, sumX, sumL, sumL2, sumXL);
            if (sc <= best) {
                break;
            }
            best = sc;
            scale = (float) ts;
            min = (float) tm;
            levels[lOff + bestJ] = lj + dir;
            lastJ = bestJ;
            lastDir = dir;
        }
        mins[minIdx] = -min;
        return scale;
    }

    /** 2·s·Σxl + 2·m·Σx − 2·s·m·Σl − s²·Σl² − m²·Σw in the reference's fused order (R3.5). */
    private static double score(double s, double m, double sumW, double sumX, double sumL, double sumL2,
                                double sumXL) {
        return Math.fma(-(m * m), sumW, Math.fma(-(s * s), sumL2, Math.fma(-((2 * s) * m), sumL,
                Math.fma(2 * s, sumXL, (2 * m) * sumX))));
    }

    // ---------------------------------------------------------------- make_qp_quants (§2.7, R4)

    /**
     * Quantizes non-negative sub-block scales (or mins) to {@code 0..nmax} (§2.7, recipe R4).
     * Levels are stored as the reference's uint8 would hold them.
     */
    public static float makeQpQuants(int n, int nmax, float[] x, int[] levels, float[] w) {
        float max = 0;
        for (int i = 0; i < n; i++) {
            max = max > x[i] ? max : x[i];
        }
        if (max < 1e-16f) {
            Arrays.fill(levels, 0, n, 0);
            return 0f;
        }
        float iscale = nmax / max;
        for (int i = 0; i < n; i++) {
            levels[i] = nearestIntOfProduct(iscale, x[i]) & 0xFF;
        }
        float scale = 1 / iscale;
        float bestMse = 0;
        for (int i = 0; i < n; i++) {
            float d = Math.fma(-scale, (float) levels[i], x[i]);
            bestMse = Math.fma(w[i] * d, d, bestMse);
        }
        for (int is = -4; is <= 4; is++) {
            if (is == 0) {
                continue;
            }
            float iscaleIs = Math.fma((float) is, 0.1f, (float) nmax) / max;
            float scaleIs = 1 / iscaleIs;
            float mse = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.min(nmax, nearestIntOfProduct(iscaleIs, x[i]));
                float d = Math.fma(-scaleIs, (float) l, x[i]);
                mse = Math.fma(w[i] * d, d, mse);
            }
            if (mse < bestMse) {
                bestMse = mse;
                iscale = iscaleIs;
            }
        }
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            int l = Math.min(nmax, nearestIntOfProduct(iscale, x[i]));
            levels[i] = l & 0xFF;
            sumlx = Math.fma(w[i] * x[i], (float) l, sumlx);
            suml2 = Math.fma(w[i] * l, (float) l, suml2);
        }
        for (int pass = 0; pass < 5; pass++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float wi = w[i];
                float xi = x[i];
                int li = levels[i];
                float slx = Math.fma(-(wi * xi), (float) li, sumlx);
                float sl2 = Math.fma(-(wi * li), (float) li, suml2);
                if (slx > 0 && sl2 > 0) {
                    int newL = Math.min(nmax, nearestInt(xi * sl2 / slx));
                    if (newL != li) {
                        slx = Math.fma(wi * xi, (float) newL, slx);
                        sl2 = Math.fma(wi * newL, (float) newL, sl2);
                        if (slx * slx * suml2 > sumlx * sumlx * sl2) {
                            levels[i] = newL & 0xFF;
                            sumlx = slx;
                            suml2 = sl2;
                            changed++;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        return sumlx / suml2;
    }
}
