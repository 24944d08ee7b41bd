package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * IQ5_K (spec/quant-types.md §9.5), 176 bytes per 256: fp16 d, shift bits, 6-bit signed scales of
 * sixteen 16-element sub-blocks (as IQ4_K), low 4 index bits in qs (two 32-blocks per 32 bytes),
 * bit 4 in qh.
 */
final class Iq5KCodec extends IqkSignedScaleCodec {

    Iq5KCodec() {
        super(GgmlType.IQ5_K, IqkLevels.IQ5, 5, true, -32, 31, 32, true, false);
    }

    @Override
    void storeScale(byte[] out, int blk, int ib, int ls) {
        Iq4KCodec.storeSixBitScale(out, blk, ib, ls);
    }

    @Override
    void storeIndex(byte[] out, int blk, int e, int idx) {
        int b = e / 32;
        int j = e % 32;
        out[blk + 16 + 32 * (b / 2) + j] |= (byte) ((idx & 15) << 4 * (b % 2));
        out[blk + 144 + j] |= (byte) ((idx >> 4) << b);
    }

    @Override
    void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff) {
        long blk = off;
        int y = dstOff;
        for (int ibl = 0; ibl < nb; ibl++, blk += 176, y += QK) {
            float d = fp16At(src, blk);
            int extra = src.get(SHORT_LE, blk + 2);
            for (int ib = 0; ib < 16; ib++) {
                float dl = d * Iq4KCodec.sixBitScale(src, blk, ib);
                NonLinearLevels v = IqkLevels.IQ5[(extra >> ib) & 1];
                int b = ib / 2;
                long qs = blk + 16 + 32 * (b / 2);
                int shift = 4 * (b % 2);
                int j0 = 16 * (ib % 2);
                int yb = y + 16 * ib;
                for (int j = j0; j < j0 + 16; j++) {
                    int idx = ((u8(src, qs + j) >> shift) & 15) | ((u8(src, blk + 144 + j) >> b) & 1) << 4;
                    dst[yb + j - j0] = dl * v.level(idx);
                }
            }
        }
    }
}
