package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * IQ5_KS (spec/quant-types.md §9.8): float32 row scale, then per 256 block eight scale bytes (as
 * IQ4_KS), qs[128] with the low 4 index bits (sub-blocks 2c and 2c+1 share qs[32c…32c+31], low and
 * high nibble) and qh[32] with bit 4 (qh[j] bit ib).
 */
final class Iq5KsCodec extends IqkRowScaleCodec {

    private static final int BLOCK_BYTES = 168;

    Iq5KsCodec() {
        // Sums fused per term: 28/28 rows identical vs 3-4/28 with IQ4_KS's paired form and 16-17/28
        // unfused. Fusing the weights as IQ4_KS does made no difference on the test data (§1.1: not checked).
        super(GgmlType.IQ5_KS, IqkLevels.IQ5, 5, false, false);
    }

    @Override
    void storeIndex(byte[] out, int blk, int ib, int j, int idx) {
        out[blk + 8 + 32 * (ib / 2) + j] |= (byte) ((idx & 15) << 4 * (ib % 2));
        out[blk + 136 + j] |= (byte) ((idx >> 4) << ib);
    }

    @Override
    void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff) {
        float d = src.get(FLOAT_LE, off);
        long blk = off + 4;
        int y = dstOff;
        for (int ibl = 0; ibl < nb; ibl++, blk += BLOCK_BYTES) {
            for (int ib = 0; ib < 8; ib++, y += 32) {
                int sc = u8(src, blk + ib);
                NonLinearLevels v = IqkLevels.IQ5[sc & 1];
                float dl = d * ((sc & 254) - 127);
                long qs = blk + 8 + 32 * (ib / 2);
                int shift = 4 * (ib % 2);
                for (int j = 0; j < 32; j++) {
                    int idx = ((u8(src, qs + j) >> shift) & 15) | ((u8(src, blk + 136 + j) >> ib) & 1) << 4;
                    dst[y + j] = dl * v.level(idx);
                }
            }
        }
    }
}
