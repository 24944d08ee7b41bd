package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

/** Q4_K (spec/quant-types.md §6.3): 4-bit levels, qs[128] @16. */
final class Q4KCodec extends ScaleMinKCodec {

    private static final int QS = 16;

    Q4KCodec() {
        super(GgmlType.Q4_K, 15, -1.0f, 0.1f, 20);
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
                dst[base + l] = d1 * (q & 15) - m1;
                dst[base + 32 + l] = d2 * ((q >> 4) & 15) - m2;
            }
        }
    }

    @Override
    void packLevels(int[] levels, byte[] out) {
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                out[QS + 32 * c + l] = (byte) (levels[64 * c + l] | (levels[64 * c + 32 + l] << 4));
            }
        }
    }
}
