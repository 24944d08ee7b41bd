package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q4_0 (id 2): fp16 d + 16 bytes of nibbles (low nibble element j, high nibble j+16),
 * y = (q − 8)·d (spec §5.2). Without imatrix the reference rounding quantizer; with imatrix
 * {@code make_qx_quants(32, 8)} on weights qw·√(σ²+x²), σ² the row's mean square.
 */
public final class Q4_0Codec extends LegacyBlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16At(src, p);
        for (int j = 0; j < 16; j++) {
            int q = QuantMath.u8(src, p + 2 + j);
            dst[o + j] = ((q & 0x0F) - 8) * d;
            dst[o + j + 16] = ((q >>> 4) - 8) * d;
        }
    }

    @Override
    void quantizeLevels(float[] x, int x0, float[] w, Scratch s, byte[] block) {
        symmetricLevels(x, x0, w, 8, s, block);
    }

    @Override
    void packLevels(int[] levels, byte[] block) {
        for (int j = 0; j < 16; j++) {
            block[2 + j] = (byte) (levels[j] | levels[j + 16] << 4);
        }
    }
}
