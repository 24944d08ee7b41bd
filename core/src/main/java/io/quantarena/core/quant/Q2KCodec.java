package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Q2_K (spec/quant-types.md §6.1): 16 sub-blocks of 16 with 4-bit scale and 4-bit min, 2-bit
 * levels, fp16 d and dmin. Layout: scales[16] @0, qs[64] @16, d @80, dmin @82.
 */
final class Q2KCodec extends SuperBlockCodec {

    private static final int BYTES = 84;

    Q2KCodec() {
        super(GgmlType.Q2_K);
    }

    @Override
    void decodeBlock(byte[] b, float[] dst, int o) {
        float d = fp16At(b, 80);
        float dmin = fp16At(b, 82);
        for (int k = 0; k < 16; k++) {
            int sc = b[k] & 0xFF;
            float dl = d * (sc & 15);
            float ml = dmin * (sc >> 4);
            // sub-block k holds elements 16k..16k+15: half h, bit pair p, first l
            int qs = 16 + 32 * (k >> 3) + 16 * (k & 1);
            int shift = 2 * ((k >> 1) & 3);
            for (int i = 0; i < 16; i++) {
                dst[o + 16 * k + i] = dl * ((b[qs + i] >> shift) & 3) - ml;
            }
        }
    }

    /**
     * TriNet shortcut of the reference encoder (§6.1 step 1): when the whole chunk is well
     * approximated by {−M, 0, +M}, every block is written as that ternary code.
     */
    @Override
    boolean encodeChunkSpecialCase(float[] x, int xo, int nBlocks, MemorySegment dst, long dstOffset) {
        int k = nBlocks * QK_K;
        float m = 0;
        for (int i = 0; i < k; i++) {
            m = Math.max(m, Math.abs(x[xo + i]));
        }
        float mse0 = 0;
        float mse = 0;
        float half = 0.5f * m;
        for (int i = 0; i < k; i++) {
            float v = x[xo + i];
            mse0 += v * v;
            float diff = v - m * ternary(v, half);
            mse += diff * diff;
        }
        if (!(mse < 0.1f * mse0)) {
            return false;
        }
        byte[] out = new byte[BYTES];
        short dh = QuantMath.floatToFp16(m);
        int[] levels = new int[QK_K];
        for (int ib = 0; ib < nBlocks; ib++) {
            Arrays.fill(out, 0, 16, (byte) 0x11);
            for (int i = 0; i < QK_K; i++) {
                levels[i] = ternary(x[xo + ib * QK_K + i], half) + 1;
            }
            pack2BitLevels(levels, out, 16);
            QuantMath.putShortLE(out, 80, dh);
            QuantMath.putShortLE(out, 82, dh);
            MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, dstOffset + (long) ib * BYTES, BYTES);
        }
        return true;
    }

    private static int ternary(float v, float half) {
        return v < -half ? -1 : v < half ? 0 : 1;
    }

    @Override
    void encodeBlock(float[] x, int xo, float[] qw, int qo, KQuantScratch s, byte[] out) {
        if (qw == null) {
            encodeReference(x, xo, s, out);
        } else {
            encodeWeighted(x, xo, qw, qo, s, out);
        }
    }

    private void encodeReference(float[] x, int xo, KQuantScratch s, byte[] out) {
        float[] w = s.weights;
        int[] levels = s.levels;
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 16; j++) {
            for (int l = 0; l < 16; l++) {
                w[l] = Math.abs(x[xo + 16 * j + l]);
            }
            s.scales[j] = KQuantMath.makeQkx2Quants(16, 3, x, xo + 16 * j, w, 0, levels, 16 * j, s.mins, j, s.aux,
                    -0.5f, 0.1f, 15, true);
            if (s.scales[j] > maxScale) {
                maxScale = s.scales[j];
            }
            if (s.mins[j] > maxMin) {
                maxMin = s.mins[j];
            }
        }
        short dh = 0;
        short mh = 0;
        if (maxScale > 0) {
            float iscale = 15 / maxScale;
            for (int j = 0; j < 16; j++) {
                out[j] = (byte) QuantMath.nearestIntOfProduct(iscale, s.scales[j]);
            }
            dh = QuantMath.floatToFp16(maxScale / 15);
        } else {
            Arrays.fill(out, 0, 16, (byte) 0);
        }
        if (maxMin > 0) {
            float iscale = 15 / maxMin;
            for (int j = 0; j < 16; j++) {
                out[j] |= (byte) (QuantMath.nearestIntOfProduct(iscale, s.mins[j]) << 4);
            }
            mh = QuantMath.floatToFp16(maxMin / 15);
        }
        float d = QuantMath.fp16ToFloat(dh);
        float dmin = QuantMath.fp16ToFloat(mh);
        for (int j = 0; j < 16; j++) {
            int sc = out[j] & 0xFF;
            float dq = d * (sc & 15);
            if (dq == 0) {
                continue; // keep the levels of the sub-block search
            }
            float dm = dmin * (sc >> 4);
            for (int i = 0; i < 16; i++) {
                int l = QuantMath.nearestInt((x[xo + 16 * j + i] + dm) / dq);
                levels[16 * j + i] = Math.min(Math.max(l, 0), 3);
            }
        }
        pack2BitLevels(levels, out, 16);
        QuantMath.putShortLE(out, 80, dh);
        QuantMath.putShortLE(out, 82, mh);
    }

    private void encodeWeighted(float[] x, int xo, float[] qw, int qo, KQuantScratch s, byte[] out) {
        float[] w = s.weights;
        int[] levels = s.levels;
        // σ² = 0.75·Σx²/256; x² fused into σ² + x², as R2 (§1.1) for Q4_K/Q5_K, also needed by
        // Q3_K; assumed here for the same code shape (the reference files match either way).
        imatrixWeights(x, xo, qw, qo, 0.75f, 16, s);
        for (int j = 0; j < 16; j++) {
            s.scales[j] = KQuantMath.makeQkx3Quants(16, 3, x, xo + 16 * j, w, 16 * j, levels, 16 * j, s.mins, j,
                    s.aux, -0.9f, 0.05f, 36);
        }
        float dm = KQuantMath.makeQpQuants(16, 15, s.scales, s.scaleLevels, s.sumWeights);
        float mm = KQuantMath.makeQpQuants(16, 15, s.mins, s.minLevels, s.sumWeights);
        for (int j = 0; j < 16; j++) {
            int ls = s.scaleLevels[j];
            int lm = s.minLevels[j];
            out[j] = (byte) (ls | (lm << 4));
            // The reference requantizes with the unrounded dm/mm, not the stored fp16 values.
            float dq = dm * ls;
            float m = mm * lm;
            float id = dq != 0 ? 1 / dq : 0;
            for (int i = 0; i < 16; i++) {
                int l = QuantMath.nearestIntOfProduct(x[xo + 16 * j + i] + m, id);
                levels[16 * j + i] = Math.min(Math.max(l, 0), 3);
            }
        }
        pack2BitLevels(levels, out, 16);
        QuantMath.putShortLE(out, 80, QuantMath.floatToFp16(dm));
        QuantMath.putShortLE(out, 82, QuantMath.floatToFp16(mm));
    }
}
