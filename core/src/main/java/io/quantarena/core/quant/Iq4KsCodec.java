package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * IQ4_KS (spec/quant-types.md §9.7): float32 row scale, then per 256 block eight scale bytes and
 * 128 bytes of 4-bit level indices (sub-block ib at qs[16ib…]: element j low nibble, j+16 high).
 */
final class Iq4KsCodec extends IqkRowScaleCodec {

    private static final int BLOCK_BYTES = 136;

    Iq4KsCodec() {
        super(GgmlType.IQ4_KS, IqkLevels.IQ4, 7, true, true);
    }

    @Override
    void storeIndex(byte[] out, int blk, int ib, int j, int idx) {
        out[blk + 8 + 16 * ib + j % 16] |= (byte) (idx << 4 * (j / 16));
    }

    @Override
    void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff) {
        float d = src.get(FLOAT_LE, off);
        long blk = off + 4;
        int y = dstOff;
        for (int ibl = 0; ibl < nb; ibl++, blk += BLOCK_BYTES) {
            for (int ib = 0; ib < 8; ib++, y += 32) {
                int sc = u8(src, blk + ib);
                NonLinearLevels v = IqkLevels.IQ4[sc & 1];
                float dl = d * ((sc & 254) - 127);
                long qs = blk + 8 + 16 * ib;
                for (int j = 0; j < 16; j++) {
                    int q = u8(src, qs + j);
                    dst[y + j] = dl * v.level(q & 15);
                    dst[y + j + 16] = dl * v.level(q >> 4);
                }
            }
        }
    }
}
