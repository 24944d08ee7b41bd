package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q4_1 (id 3): fp16 d, fp16 m, 16 bytes of nibbles; y = q·d + m (spec §5.3). Without
 * imatrix the reference min/max quantizer; with imatrix {@code make_qkx3_quants(32, 15)} on
 * weights qw·√(σ²+x²), σ² the row's mean square.
 */
public final class Q4_1Codec extends LegacyBlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16At(src, p);
        float m = QuantMath.fp16At(src, p + 2);
        for (int j = 0; j < 16; j++) {
            int q = QuantMath.u8(src, p + 4 + j);
            dst[o + j] = (q & 0x0F) * d + m;
            dst[o + j + 16] = (q >>> 4) * d + m;
        }
    }

    @Override
    void quantizeLevels(float[] x, int x0, float[] w, Scratch s, byte[] block) {
        levelsWithMin(x, x0, w, 15, true, s, block);
    }

    @Override
    void packLevels(int[] levels, byte[] block) {
        for (int j = 0; j < 16; j++) {
            block[4 + j] = (byte) (levels[j] | levels[j + 16] << 4);
        }
    }
}
