package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.util.Arrays;

/**
 * Q6_K (spec/quant-types.md §6.5): 16 sub-blocks of 16 with int8 scales, 6-bit levels as
 * ql[128] @0 (low nibbles) and qh[64] @128 (high 2 bits), scales[16] @192, d @208.
 */
final class Q6KCodec extends SuperBlockCodec {

    private static final int QL = 0;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    Q6KCodec() {
        super(GgmlType.Q6_K);
    }

    @Override
    void decodeBlock(byte[] b, float[] dst, int o) {
        float d = fp16At(b, D);
        for (int h = 0; h < 2; h++) {
            int ql = QL + 64 * h;
            int qh = QH + 32 * h;
            int base = o + 128 * h;
            for (int l = 0; l < 32; l++) {
                int hb = b[qh + l];
                int q1 = ((b[ql + l] & 15) | ((hb & 3) << 4)) - 32;
                int q2 = ((b[ql + l + 32] & 15) | (((hb >> 2) & 3) << 4)) - 32;
                int q3 = (((b[ql + l] >> 4) & 15) | (((hb >> 4) & 3) << 4)) - 32;
                int q4 = (((b[ql + l + 32] >> 4) & 15) | (((hb >> 6) & 3) << 4)) - 32;
                int e = 128 * h + l;
                dst[base + l] = d * b[SCALES + (e >> 4)] * q1;
                dst[base + l + 32] = d * b[SCALES + ((e + 32) >> 4)] * q2;
                dst[base + l + 64] = d * b[SCALES + ((e + 64) >> 4)] * q3;
                dst[base + l + 96] = d * b[SCALES + ((e + 96) >> 4)] * q4;
            }
        }
    }

    @Override
    void encodeBlock(float[] x, int xo, float[] qw, int qo, KQuantScratch s, byte[] out) {
        int[] levels = s.levels;
        float maxScale = 0;
        float maxAbs = 0;
        for (int j = 0; j < 16; j++) {
            // Without imatrix the weights are x²; with one, the raw importance values.
            float sc = KQuantMath.makeQxQuants(16, 32, x, xo + 16 * j, levels, 16 * j, qw, qo + 16 * j);
            s.scales[j] = sc;
            float a = Math.abs(sc);
            if (a > maxAbs) {
                maxAbs = a;
                maxScale = sc;
            }
        }
        if (maxAbs < KQuantMath.GROUP_MAX_EPS) {
            Arrays.fill(out, (byte) 0);
            return;
        }
        float iscale = -128f / maxScale;
        short dh = QuantMath.floatToFp16(1 / iscale);
        for (int j = 0; j < 16; j++) {
            out[SCALES + j] = (byte) Math.min(127, QuantMath.nearestIntOfProduct(iscale, s.scales[j]));
        }
        float d = QuantMath.fp16ToFloat(dh);
        for (int j = 0; j < 16; j++) {
            float dq = d * out[SCALES + j];
            if (dq == 0) {
                continue; // keep the levels of the sub-block search
            }
            for (int i = 0; i < 16; i++) {
                int l = QuantMath.nearestInt(x[xo + 16 * j + i] / dq);
                levels[16 * j + i] = Math.min(Math.max(l, -32), 31) + 32;
            }
        }
        for (int h = 0; h < 2; h++) {
            int ql = QL + 64 * h;
            int qh = QH + 32 * h;
            for (int l = 0; l < 32; l++) {
                int e = 128 * h + l;
                int l1 = levels[e];
                int l2 = levels[e + 32];
                int l3 = levels[e + 64];
                int l4 = levels[e + 96];
                out[ql + l] = (byte) ((l1 & 15) | ((l3 & 15) << 4));
                out[ql + l + 32] = (byte) ((l2 & 15) | ((l4 & 15) << 4));
                out[qh + l] = (byte) ((l1 >> 4) | ((l2 >> 4) << 2) | ((l3 >> 4) << 4) | ((l4 >> 4) << 6));
            }
        }
        QuantMath.putShortLE(out, D, dh);
    }
}
