package io.quantarena.core.quant;

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

    private final int[] order;
    private final float[] prefixWx;
    private final float[] prefixW;
    private final long[] keys;

    float scale;
    boolean isShifted;

    Iq2LevelSearch(int n) {
        order = new int[n];
        prefixWx = new float[n + 1];
        prefixW = new float[n + 1];
        keys = new long[n];
    }

    /**
     * @param i1End exclusive bound of i1; {@code i3Min} the smallest i3 (IQ2_K: n and 0)
     */
    void search(float[] x, int xo, float[] w, int wo, int n, int i1End, int i3Min) {
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
        NonLinearLevels normal = IqkLevels.IQ2[0];
        NonLinearLevels shifted = IqkLevels.IQ2[1];
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
                        NonLinearLevels v = (variant & 1) == 0 ? normal : shifted;
                        boolean reversed = variant >= 2;
                        float q0 = v.value(reversed ? 3 : 0);
                        float q1 = v.value(reversed ? 2 : 1);
                        float q2 = v.value(reversed ? 1 : 2);
                        float q3 = v.value(reversed ? 0 : 3);
                        float sumqx = q0 * x0 + q1 * x1 + q2 * x2 + q3 * x3;
                        float sumq2 = q0 * q0 * w0 + q1 * q1 * w1 + q2 * q2 * w2 + q3 * q3 * w3;
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
