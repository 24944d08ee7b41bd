package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q5_0 (id 6): fp16 d, qh (uint32: bit j = bit 4 of element j), 16 bytes of low nibbles;
 * y = (q − 16)·d (spec §5.4). Without imatrix the reference rounding quantizer; with imatrix
 * {@code make_qx_quants(32, 16)} on weights qw·√(σ²+x²), σ² the row's mean square.
 */
public final class Q5_0Codec extends LegacyBlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16At(src, p);
        int qh = src.get(QuantMath.LE_INT, p + 2);
        for (int j = 0; j < 16; j++) {
            int q = QuantMath.u8(src, p + 6 + j);
            int lo = (q & 0x0F) | ((qh >>> j) & 1) << 4;
            int hi = (q >>> 4) | ((qh >>> (j + 16)) & 1) << 4;
            dst[o + j] = (lo - 16) * d;
            dst[o + j + 16] = (hi - 16) * d;
        }
    }

    @Override
    void quantizeLevels(float[] x, int x0, float[] w, Scratch s, byte[] block) {
        symmetricLevels(x, x0, w, 16, s, block);
    }

    @Override
    void packLevels(int[] levels, byte[] block) {
        pack5BitLevels(levels, block, 2, 6);
    }
}
