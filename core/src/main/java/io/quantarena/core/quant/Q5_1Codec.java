package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q5_1 (id 7): fp16 d, fp16 m, qh (uint32: bit j = bit 4 of element j), 16 bytes of low
 * nibbles; y = q·d + m (spec §5.5). Without imatrix the reference min/max quantizer; with
 * imatrix {@code make_qkx3_quants(32, 31)} on weights qw·√(σ²+x²), σ² the row's mean square.
 */
public final class Q5_1Codec extends LegacyBlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16At(src, p);
        float m = QuantMath.fp16At(src, p + 2);
        int qh = src.get(QuantMath.LE_INT, p + 4);
        for (int j = 0; j < 16; j++) {
            int q = QuantMath.u8(src, p + 8 + j);
            int lo = (q & 0x0F) | ((qh >>> j) & 1) << 4;
            int hi = (q >>> 4) | ((qh >>> (j + 16)) & 1) << 4;
            dst[o + j] = lo * d + m;
            dst[o + j + 16] = hi * d + m;
        }
    }

    @Override
    void quantizeLevels(float[] x, int x0, float[] w, Scratch s, byte[] block) {
        levelsWithMin(x, x0, w, 31, false, s, block);
    }

    @Override
    void packLevels(int[] levels, byte[] block) {
        pack5BitLevels(levels, block, 4, 8);
    }
}
