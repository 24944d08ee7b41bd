package io.quantarena.core.quant;

/**
 * The reference (no imatrix) quantizers of the legacy 32-element formats,
 * {@code quantize_row_q{4,5}_{0,1}_ref} (spec §5.2–§5.5): the scale comes from the block's
 * extremes and a level is C's float→int truncation of x·id + ½ (+ the zero point).
 *
 * <p>The reference binary fuses that multiply-add: for Q4_0 and Q5_0 the reference data has
 * blocks that only the fused form reproduces (Q4_0 row 5 block 2; Q5_0 blocks 5:2 and 6:1),
 * although spec §1.1 found it unnecessary. For Q4_1/Q5_1 the fusion is inferred from those
 * loops of the same shape; the data cannot tell for these types.
 */
final class LegacyReferenceQuantizer {

    private LegacyReferenceQuantizer() {
    }

    /**
     * Q4_0 (zero = 8) and Q5_0 (zero = 16): d = max/−zero with max the signed element of
     * largest magnitude (−0.0 for an all-zero block); levels min(2·zero − 1, (int8) trunc(x·id +
     * zero + ½)) into {@code levels[0..n)}.
     *
     * @return d
     */
    static float symmetric(float[] x, int x0, int n, int zero, int[] levels) {
        float max = QuantMath.signedMaxAbs(x, x0, n);
        float d = max / -zero;
        float id = d != 0 ? 1.0f / d : 0.0f;
        float bias = zero + 0.5f;
        int top = 2 * zero - 1;
        for (int j = 0; j < n; j++) {
            levels[j] = Math.min(top, (byte) (int) Math.fma(x[x0 + j], id, bias));
        }
        return d;
    }

    /**
     * Q4_1 (nmax = 15) and Q5_1 (nmax = 31): d = (max − min)/nmax, m = min, written as fp16 to
     * {@code block[0..4)}; levels (int8) trunc((x − min)·id + ½) into {@code levels[0..n)},
     * capped at nmax only where the reference caps them ({@code capAtNmax}: Q4_1 yes, Q5_1 no).
     */
    static void withMin(float[] x, int x0, int n, int nmax, boolean capAtNmax, byte[] block, int[] levels) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < n; j++) {
            float v = x[x0 + j];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        float d = (max - min) / nmax;
        float id = d != 0 ? 1.0f / d : 0.0f;
        QuantMath.putShortLE(block, 0, QuantMath.floatToFp16(d));
        QuantMath.putShortLE(block, 2, QuantMath.floatToFp16(min));
        for (int j = 0; j < n; j++) {
            int l = (byte) (int) Math.fma(x[x0 + j] - min, id, 0.5f);
            levels[j] = capAtNmax ? Math.min(nmax, l) : l;
        }
    }
}
