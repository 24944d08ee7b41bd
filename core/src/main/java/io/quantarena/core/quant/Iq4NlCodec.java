package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * IQ4_NL (id 20): fp16 d + 16 bytes of nibbles indexing {@code kvalues_iq4nl};
 * y = d·V[q] (spec §7). Each 32-block is quantized alone (σ² over the block).
 */
public final class Iq4NlCodec extends BlockCodec {

    private static final int QK = 32;
    private static final NonLinearLevels V = IqkLevels.IQ4NL;

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_NL;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16At(src, p);
        for (int j = 0; j < 16; j++) {
            int q = QuantMath.u8(src, p + 2 + j);
            dst[o + j] = d * V.level(q & 0x0F);
            dst[o + j + 16] = d * V.level(q >>> 4);
        }
    }

    @Override
    BlockEncoder newEncoder() {
        Iq4NlSearch search = new Iq4NlSearch();
        float[] scale = new float[1];
        byte[] levels = new byte[QK];
        return (x, x0, qw, qwOff, block) -> {
            search.subBlockScales(x, x0, QK, qw, qwOff, scale);
            float d = scale[0];
            float id = d != 0 ? 1 / d : 0;
            for (int j = 0; j < QK; j++) {
                levels[j] = (byte) V.nearest(id * x[x0 + j]);
            }
            QuantMath.putFp16(block, 0, d);
            for (int j = 0; j < 16; j++) {
                block[2 + j] = (byte) (levels[j] | levels[j + 16] << 4);
            }
        };
    }
}
