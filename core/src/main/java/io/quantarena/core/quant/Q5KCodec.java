package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.util.Arrays;

/**
 * Q5_K (spec/quant-types.md §6.4): 5-bit levels as qh[32] @16 (high bits) and qs[128] @48
 * (low nibbles, as Q4_K).
 */
final class Q5KCodec extends ScaleMinKCodec {

    private static final int QH = 16;
    private static final int QS = 48;

    Q5KCodec() {
        super(GgmlType.Q5_K, 31, -0.5f, 0.1f, 15);
    }

    @Override
    void decodeBlock(byte[] b, float[] dst, int o) {
        float d = QuantMath.fp16At(b, 0);
        float dmin = QuantMath.fp16At(b, 2);
        for (int c = 0; c < 4; c++) {
            float d1 = d * scaleOf(b, 2 * c);
            float m1 = dmin * minOf(b, 2 * c);
            float d2 = d * scaleOf(b, 2 * c + 1);
            float m2 = dmin * minOf(b, 2 * c + 1);
            int base = o + 64 * c;
            for (int l = 0; l < 32; l++) {
                int q = b[QS + 32 * c + l];
                int h = b[QH + l] >> (2 * c);
                dst[base + l] = d1 * ((q & 15) | ((h & 1) << 4)) - m1;
                dst[base + 32 + l] = d2 * (((q >> 4) & 15) | ((h & 2) << 3)) - m2;
            }
        }
    }

    @Override
    void packLevels(int[] levels, byte[] out) {
        Arrays.fill(out, QH, QH + 32, (byte) 0);
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int l1 = levels[64 * c + l];
                int l2 = levels[64 * c + 32 + l];
                if (l1 > 15) {
                    l1 -= 16;
                    out[QH + l] |= (byte) (1 << (2 * c));
                }
                if (l2 > 15) {
                    l2 -= 16;
                    out[QH + l] |= (byte) (2 << (2 * c));
                }
                out[QS + 32 * c + l] = (byte) (l1 | (l2 << 4));
            }
        }
    }
}
