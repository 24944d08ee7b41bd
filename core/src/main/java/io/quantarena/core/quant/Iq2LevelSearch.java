package io.quantarena.core.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Exhaustive search of the best 4-level assignment for IQ2_K and the portable IQ2_KS quantizer
 * (spec/quant-types.md §9.1, §9.2): sort the values, split the sorted order into four runs
 * [0,i1), [i1,i2), [i2,i3), [i3,n) and give the runs the four levels in increasing or decreasing
 * order, with the normal or the shifted level set; keep the weighted least-squares best (§2.9).
 *
 * <p>Products are rounded on their own (§1.1 did not check these types; fusing the prefix sums or
 * the run sums made no difference on the test data). Where all values of a sub-block are equal,
 * the four one-level assignments tie exactly and rounding noise picks the winner; the reference's
 * pick there is not reproduced (test row 26, a constant row).
 */
final class Iq2LevelSearch {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    /**
     * Candidates whose ratio falls this far (relative) below the best at the start of a vector of
     * candidates cannot be accepted by the exact scan: the best only moves down by rounding, a few
     * units in the last place per acceptance.
     */
    private static final float FILTER_MARGIN = 1 - 1e-4f;

    private final int[] order;
    /** Prefix sums, padded with {@link #LANES} zeros so that full-width loads past n stay in the array. */
    private final float[] prefixWx;
    private final float[] prefixW;
    private final long[] keys;
    /** One vector of candidates' sums per variant, for the exact scan of the lanes that passed the filter. */
    private final float[] laneSumqx = new float[4 * LANES];
    private final float[] laneSumq2 = new float[4 * LANES];
    /** The level values of the four variants (normal, shifted, reversed normal, reversed shifted) and their squares. */
    private final float[] q = new float[16];
    private final float[] qq = new float[16];

    float scale;
    boolean isShifted;

    Iq2LevelSearch(int n) {
        order = new int[n];
        prefixWx = new float[n + 1 + LANES];
        prefixW = new float[n + 1 + LANES];
        keys = new long[n];
        for (int variant = 0; variant < 4; variant++) {
            NonLinearLevels v = IqkLevels.IQ2[variant & 1];
            boolean reversed = variant >= 2;
            for (int k = 0; k < 4; k++) {
                q[4 * variant + k] = v.value(reversed ? 3 - k : k);
                qq[4 * variant + k] = q[4 * variant + k] * q[4 * variant + k];
            }
        }
    }

    /**
     * @param i1End exclusive bound of i1; {@code i3Min} the smallest i3 (IQ2_K: n and 0)
     */
    void search(float[] x, int xo, float[] w, int wo, int n, int i1End, int i3Min) {
        search(x, xo, w, wo, n, i1End, i3Min, false);
    }

    /** @param scalar scan the candidates one by one (the specification; tests compare the two scans) */
    void search(float[] x, int xo, float[] w, int wo, int n, int i1End, int i3Min, boolean scalar) {
        scale = 0;
        isShifted = false;
        float amax = 0;
        for (int j = 0; j < n; j++) {
            amax = Math.max(amax, Math.abs(x[xo + j]));
        }
        if (amax < 1e-16f) {
            return;
        }
        sortPairs(x, xo, n);
        prefixWx[0] = 0;
        prefixW[0] = 0;
        for (int i = 0; i < n; i++) {
            int j = order[i];
            float wj = w[wo + j];
            prefixWx[i + 1] = prefixWx[i] + wj * x[xo + j];
            prefixW[i + 1] = prefixW[i] + wj;
        }
        if (!scalar) {
            scanVectorised(n, i1End, i3Min);
            return;
        }
        float best = 0;
        float sx = prefixWx[n];
        float sw = prefixW[n];
        for (int i1 = 0; i1 < i1End; i1++) {
            for (int i2 = i1; i2 < n; i2++) {
                for (int i3 = Math.max(i2, i3Min); i3 < n; i3++) {
                    float x0 = prefixWx[i1];
                    float x1 = prefixWx[i2] - prefixWx[i1];
                    float x2 = prefixWx[i3] - prefixWx[i2];
                    float x3 = sx - prefixWx[i3];
                    float w0 = prefixW[i1];
                    float w1 = prefixW[i2] - prefixW[i1];
                    float w2 = prefixW[i3] - prefixW[i2];
                    float w3 = sw - prefixW[i3];
                    for (int variant = 0; variant < 4; variant++) {
                        int b = 4 * variant;
                        float sumqx = q[b] * x0 + q[b + 1] * x1 + q[b + 2] * x2 + q[b + 3] * x3;
                        float sumq2 = qq[b] * w0 + qq[b + 1] * w1 + qq[b + 2] * w2 + qq[b + 3] * w3;
                        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                            scale = sumqx / sumq2;
                            best = scale * sumqx;
                            isShifted = (variant & 1) != 0;
                        }
                    }
                }
            }
        }
    }

    /**
     * The scalar scan with the candidates of one (i1, i2) taken a vector of i3 values at a time:
     * each lane's sums are the scalar expressions' exact operations (products rounded, added left
     * to right), a cheap filter against the best so far drops the lanes that cannot win, and the
     * few that remain go through the scalar acceptance test in the scalar scan's order (i3, then
     * variant). Results are bit for bit those of the scalar scan.
     */
    private void scanVectorised(int n, int i1End, int i3Min) {
        float[] px = prefixWx;
        float[] pw = prefixW;
        float sx = px[n];
        float sw = pw[n];
        float best = 0;
        FloatVector sxv = FloatVector.broadcast(F, sx), swv = FloatVector.broadcast(F, sw);
        for (int i1 = 0; i1 < i1End; i1++) {
            float x0 = px[i1];
            float w0 = pw[i1];
            for (int i2 = i1; i2 < n; i2++) {
                float x1 = px[i2] - px[i1];
                float w1 = pw[i2] - pw[i1];
                for (int c0 = Math.max(i2, i3Min); c0 < n; c0 += LANES) {
                    FloatVector p = FloatVector.fromArray(F, px, c0);
                    FloatVector pv = FloatVector.fromArray(F, pw, c0);
                    FloatVector x2 = p.sub(px[i2]);
                    FloatVector x3 = sxv.sub(p);
                    FloatVector w2 = pv.sub(pw[i2]);
                    FloatVector w3 = swv.sub(pv);
                    VectorMask<Float> live = F.indexInRange(c0, n);
                    float threshold = best * FILTER_MARGIN;
                    long passed = 0;
                    for (int variant = 0; variant < 4; variant++) {
                        int b = 4 * variant;
                        float a = q[b] * x0 + q[b + 1] * x1;
                        float c = qq[b] * w0 + qq[b + 1] * w1;
                        FloatVector sumqx = x2.mul(q[b + 2]).add(a).add(x3.mul(q[b + 3]));
                        FloatVector sumq2 = w2.mul(qq[b + 2]).add(c).add(w3.mul(qq[b + 3]));
                        VectorMask<Float> m = live.and(sumq2.compare(VectorOperators.GT, 0f))
                                .and(sumqx.mul(sumqx).compare(VectorOperators.GT, sumq2.mul(threshold)));
                        long bits = m.toLong();
                        if (bits != 0) {
                            sumqx.intoArray(laneSumqx, variant * LANES);
                            sumq2.intoArray(laneSumq2, variant * LANES);
                            passed |= bits << (16 * variant);
                        }
                    }
                    if (passed == 0) {
                        continue;
                    }
                    for (int lane = 0; lane < LANES; lane++) {
                        for (int variant = 0; variant < 4; variant++) {
                            if ((passed >>> (16 * variant + lane) & 1) == 0) {
                                continue;
                            }
                            float sumqx = laneSumqx[variant * LANES + lane];
                            float sumq2 = laneSumq2[variant * LANES + lane];
                            if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                                scale = sumqx / sumq2;
                                best = scale * sumqx;
                                isShifted = (variant & 1) != 0;
                            }
                        }
                    }
                }
            }
        }
    }

    /** Sorts (x, index) pairs ascending, lexicographically (ties by index). */
    private void sortPairs(float[] x, int xo, int n) {
        for (int j = 0; j < n; j++) {
            int bits = Float.floatToIntBits(x[xo + j] + 0.0f);
            // order-preserving map of the float to an int, then the index in the low bits
            int key = bits >= 0 ? bits : bits ^ 0x7FFFFFFF;
            keys[j] = ((long) key << 32) | j;
        }
        Arrays.sort(keys, 0, n);
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
    }
}
