package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * IQ4_K (spec/quant-types.md §9.4), 144 bytes per 256: fp16 d, shift bits, 6-bit signed scales
 * of sixteen 16-element sub-blocks (low nibbles at 8, high 2 bits at 4), 4-bit level indices.
 */
final class Iq4KCodec extends IqkSignedScaleCodec {

    Iq4KCodec() {
        super(GgmlType.IQ4_K, IqkLevels.IQ4, 7, false, -32, 31, 32, false, true);
    }

    @Override
    void storeScale(byte[] out, int blk, int ib, int ls) {
        storeSixBitScale(out, blk, ib, ls);
    }

    /** The 6-bit scale layout IQ4_K and IQ5_K share: ls+32, low nibble at 8+ib/2, high bits at 4+ib/4. */
    static void storeSixBitScale(byte[] out, int blk, int ib, int ls) {
        int u = ls + 32;
        out[blk + 8 + ib / 2] |= (byte) ((u & 15) << 4 * (ib % 2));
        out[blk + 4 + ib / 4] |= (byte) ((u >> 4) << 2 * (ib % 4));
    }

    static int sixBitScale(MemorySegment src, long blk, int ib) {
        int lo = (u8(src, blk + 8 + ib / 2) >> 4 * (ib % 2)) & 15;
        int hi = (u8(src, blk + 4 + ib / 4) >> 2 * (ib % 4)) & 3;
        return (lo | hi << 4) - 32;
    }

    @Override
    void storeIndex(byte[] out, int blk, int e, int idx) {
        // 32-block b: qs[16b + j] holds element j (low nibble) and element 16 + j (high nibble)
        int b = e / 32;
        int j = e % 32;
        out[blk + 16 + 16 * b + j % 16] |= (byte) (idx << 4 * (j / 16));
    }

    @Override
    void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff) {
        long blk = off;
        int y = dstOff;
        for (int ibl = 0; ibl < nb; ibl++, blk += 144, y += QK) {
            float d = fp16At(src, blk);
            int extra = src.get(SHORT_LE, blk + 2);
            for (int b = 0; b < 8; b++) {
                float dl1 = d * sixBitScale(src, blk, 2 * b);
                float dl2 = d * sixBitScale(src, blk, 2 * b + 1);
                NonLinearLevels v1 = IqkLevels.IQ4[(extra >> 2 * b) & 1];
                NonLinearLevels v2 = IqkLevels.IQ4[(extra >> (2 * b + 1)) & 1];
                long qs = blk + 16 + 16 * b;
                int yb = y + 32 * b;
                for (int j = 0; j < 16; j++) {
                    int q = u8(src, qs + j);
                    dst[yb + j] = dl1 * v1.level(q & 15);
                    dst[yb + 16 + j] = dl2 * v2.level(q >> 4);
                }
            }
        }
    }
}
