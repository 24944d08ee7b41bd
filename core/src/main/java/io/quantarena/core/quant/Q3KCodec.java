package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.util.Arrays;

/**
 * Q3_K (spec/quant-types.md §6.2): 16 sub-blocks of 16 with signed 6-bit scales, 3-bit levels
 * split into 2 low bits and a high-bit mask. Layout: hmask[32] @0, qs[64] @32, scales[12] @96,
 * d @108.
 */
final class Q3KCodec extends SuperBlockCodec {

    private static final int HMASK = 0;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

    Q3KCodec() {
        super(GgmlType.Q3_K);
    }

    /** The 6-bit scale k (0…63, not yet re-centred) from the 12 packed scale bytes. */
    private static int scaleCode(byte[] b, int k) {
        int low = k < 8 ? b[SCALES + k] & 15 : (b[SCALES + k - 8] & 0xFF) >> 4;
        int high = ((b[SCALES + 8 + (k & 3)] & 0xFF) >> (2 * (k >> 2))) & 3;
        return low | (high << 4);
    }

    @Override
    void decodeBlock(byte[] b, float[] dst, int o) {
        float d = fp16At(b, D);
        for (int k = 0; k < 16; k++) {
            float dl = d * (scaleCode(b, k) - 32);
            for (int i = 0; i < 16; i++) {
                int e = 16 * k + i;
                int low2 = (b[QS + 32 * (e >> 7) + (e & 31)] >> (2 * ((e >> 5) & 3))) & 3;
                int hbit = (b[HMASK + (e & 31)] >> (e >> 5)) & 1;
                dst[o + e] = dl * (low2 - (hbit != 0 ? 0 : 4));
            }
        }
    }

    @Override
    void encodeBlock(float[] x, int xo, float[] qw, int qo, KQuantScratch s, byte[] out) {
        int[] levels = s.levels;
        Arrays.fill(out, SCALES, SCALES + 12, (byte) 0);
        short dh;
        if (qw == null) {
            float maxScale = 0;
            float amax = 0;
            for (int j = 0; j < 16; j++) {
                s.scales[j] = KQuantMath.makeQ3Quants(16, 4, x, xo + 16 * j, levels, 16 * j);
                float a = Math.abs(s.scales[j]);
                if (a > amax) {
                    amax = a;
                    maxScale = s.scales[j];
                }
            }
            if (maxScale != 0) {
                float iscale = -32f / maxScale;
                for (int j = 0; j < 16; j++) {
                    int l = (byte) QuantMath.nearestIntOfProduct(iscale, s.scales[j]);
                    putScaleCode(out, j, Math.min(Math.max(l, -32), 31) + 32);
                }
                dh = QuantMath.floatToFp16(1 / iscale);
            } else {
                dh = 0;
            }
        } else {
            float[] w = s.weights;
            // σ² = 2·Σx²/256; x² fused into σ² + x², as R2 (§1.1) for Q4_K/Q5_K: the Q3_K
            // imatrix reference file needs it (unfused, one block of the 28 differs).
            imatrixWeights(x, xo, qw, qo, 2, 16, s);
            for (int j = 0; j < 16; j++) {
                s.scales[j] = KQuantMath.makeQxQuants(16, 4, x, xo + 16 * j, levels, 16 * j, w, 16 * j);
            }
            float dBlock = KQuantMath.makeQxQuants(16, 32, s.scales, 0, s.scaleLevels, 0, s.sumWeights, 0);
            for (int j = 0; j < 16; j++) {
                putScaleCode(out, j, s.scaleLevels[j]);
            }
            dh = QuantMath.floatToFp16(dBlock);
        }
        float d = QuantMath.fp16ToFloat(dh);
        for (int j = 0; j < 16; j++) {
            float dq = d * (scaleCode(out, j) - 32);
            if (dq == 0) {
                continue; // keep the levels of the sub-block search
            }
            for (int i = 0; i < 16; i++) {
                int l = QuantMath.nearestInt(x[xo + 16 * j + i] / dq);
                levels[16 * j + i] = Math.min(Math.max(l, -4), 3) + 4;
            }
        }
        Arrays.fill(out, HMASK, HMASK + 32, (byte) 0);
        for (int e = 0; e < QK_K; e++) {
            if (levels[e] > 3) {
                out[HMASK + (e & 31)] |= (byte) (1 << (e >> 5));
                levels[e] -= 4;
            }
        }
        pack2BitLevels(levels, out, QS);
        QuantMath.putShortLE(out, D, dh);
    }

    /** ORs the 6-bit code of scale j into the (zeroed) packed scale bytes. */
    private static void putScaleCode(byte[] out, int j, int code) {
        if (j < 8) {
            out[SCALES + j] |= (byte) (code & 15);
        } else {
            out[SCALES + j - 8] |= (byte) ((code & 15) << 4);
        }
        out[SCALES + 8 + (j & 3)] |= (byte) ((code >> 4) << (2 * (j >> 2)));
    }
}
