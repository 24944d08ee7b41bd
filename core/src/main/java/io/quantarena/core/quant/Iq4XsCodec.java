package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * IQ4_XS (id 23), 256 elements in 136 bytes: fp16 d, scales_h (uint16), scales_l[4],
 * qs[128]; eight 32-element sub-blocks with 6-bit scales ls − 32; y = d·ls·V[q] (spec §7).
 */
public final class Iq4XsCodec extends BlockCodec {

    private static final int SUB = 32;
    private static final NonLinearLevels V = IqkLevels.IQ4NL;

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_XS;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16At(src, p);
        for (int ib = 0; ib < QK_K / SUB; ib++) {
            float dl = d * subBlockScale(src, p, ib);
            int y = o + ib * SUB;
            long qs = p + 8 + 16L * ib;
            for (int j = 0; j < 16; j++) {
                int q = QuantMath.u8(src, qs + j);
                dst[y + j] = dl * V.level(q & 0x0F);
                dst[y + j + 16] = dl * V.level(q >>> 4);
            }
        }
    }

    /** The scale ls − 32 of 32-element sub-block {@code ib} of the block at {@code p}. */
    static int subBlockScale(MemorySegment src, long p, int ib) {
        int low = (QuantMath.u8(src, p + 4 + ib / 2) >>> (4 * (ib % 2))) & 0x0F;
        int high = (QuantMath.u8(src, p + 2 + ib / 4) >>> (2 * (ib % 4))) & 3;
        return (low | high << 4) - 32;
    }

    @Override
    BlockEncoder newEncoder() {
        Iq4NlSearch search = new Iq4NlSearch();
        float[] scales = new float[QK_K / SUB];
        byte[] levels = new byte[SUB];
        return (x, x0, qw, qwOff, block) -> {
            float maxScale = search.subBlockScales(x, x0, QK_K, qw, qwOff, scales);
            float d = -maxScale / 32;
            float id = d != 0 ? 1 / d : 0;
            QuantMath.putFp16(block, 0, d);
            int scalesH = 0;
            for (int ib = 0; ib < QK_K / SUB; ib++) {
                int l = QuantMath.clamp(QuantMath.nearestIntOfProduct(id, scales[ib]), -32, 31);
                int ls = l + 32;
                block[4 + ib / 2] |= (byte) ((ls & 0x0F) << (4 * (ib % 2)));
                scalesH |= (ls >>> 4) << (2 * ib);
                float dl = d * l;
                float idl = dl != 0 ? 1 / dl : 0;
                int xs = x0 + ib * SUB;
                for (int j = 0; j < SUB; j++) {
                    levels[j] = (byte) V.nearest(idl * x[xs + j]);
                }
                for (int j = 0; j < 16; j++) {
                    block[8 + 16 * ib + j] = (byte) (levels[j] | levels[j + 16] << 4);
                }
            }
            QuantMath.putShortLE(block, 2, (short) scalesH);
        };
    }
}
