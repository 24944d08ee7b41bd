package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * IQ2_KS (spec/quant-types.md §9.2): fp16 row scale, then per 256 block 70 bytes: extra (shift
 * flags of the eight 32-element sub-blocks in bits 0–7, bit 4 of their scales in bits 8–15), the
 * low scale nibbles, 2-bit level indices. Sub-block scale ls = Ls − 16 ∈ [−16, 15].
 *
 * <p>The encoder is the portable reference path ({@code quantize_row_iq2_ks_impl}: exhaustive
 * level-run search, row scale refit × 1.030). The reference test data were made by it: 28/28 rows
 * identical, while the AVX2 "fast" path of §9.2 (tried) gives other row scales.
 */
final class Iq2KsCodec extends IqkCodec<Iq2KsCodec.Scratch> {

    private static final int BLOCK_BYTES = 70;

    static final class Scratch {
        final float[] w;
        final float[] scales;
        final float[] sw;
        final boolean[] shifted;
        final int[] levels;
        final Iq2LevelSearch search = new Iq2LevelSearch(32);

        Scratch(int nPerRow) {
            int nsub = nPerRow / 32;
            w = new float[nPerRow];
            scales = new float[nsub];
            sw = new float[nsub];
            shifted = new boolean[nsub];
            levels = new int[nsub];
        }
    }

    Iq2KsCodec() {
        super(GgmlType.IQ2_KS, 32);
    }

    @Override
    Scratch newScratch(int nPerRow) {
        return new Scratch(nPerRow);
    }

    @Override
    void encodeRow(float[] x, int xOff, float[] qw, int nb, byte[] out, Scratch s) {
        int nsub = nb * 8;
        float[] w = s.w;
        for (int ibl = 0; ibl < nb; ibl++) {
            int xb = xOff + ibl * QK;
            float sigma2 = 1.5f * IqkQuantMath.sumOfSquares(x, xb, QK) / QK;
            IqkWeights.compute(x, xb, qw, ibl * QK, sigma2, true, false, w, QK, ibl * QK);
        }
        for (int k = 0; k < nsub; k++) {
            float sw = 0;
            for (int j = 32 * k; j < 32 * k + 32; j++) {
                sw += w[j];
            }
            s.sw[k] = sw;
            s.search.search(x, xOff + 32 * k, w, 32 * k, 32, 24, 8);
            s.scales[k] = s.search.scale;
            s.shifted[k] = s.search.isShifted;
        }
        // one scale for the whole row: the sub-block scales are quantized together
        float d = IqkQuantMath.makeQxQuants(nsub, 16, s.scales, 0, s.sw, 0, s.levels);
        if (d == 0) {
            return;
        }
        float sumqx = 0;
        float sumq2 = 0;
        for (int k = 0; k < nsub; k++) {
            int blk = 2 + (k / 8) * BLOCK_BYTES;
            int ib = k % 8;
            int level = s.levels[k];
            int extra = (out[blk] & 0xFF) | (out[blk + 1] & 0xFF) << 8;
            extra |= (s.shifted[k] ? 1 : 0) << ib | (level >> 4) << (8 + ib);
            putShort(out, blk, (short) extra);
            out[blk + 2 + ib / 2] |= (byte) ((level & 15) << 4 * (ib % 2));
            int ls = level - 16;
            float dl = d * ls;
            if (dl == 0) {
                continue;
            }
            float idl = 1 / dl;
            NonLinearLevels v = IqkLevels.IQ2[s.shifted[k] ? 1 : 0];
            int xs = xOff + 32 * k;
            for (int j = 0; j < 32; j++) {
                int idx = v.nearestOf4(idl * x[xs + j]);
                out[blk + 6 + 32 * (ib / 4) + j] |= (byte) (idx << 2 * (ib % 4));
                float q = v.level(idx) * ls;
                float wq = w[32 * k + j] * q;
                sumqx += wq * x[xs + j];
                sumq2 += wq * q;
            }
        }
        putFp16(out, 0, 1.030f * (sumq2 > 0 ? sumqx / sumq2 : d));
    }

    @Override
    void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff) {
        float d = fp16At(src, off);
        long blk = off + 2;
        int y = dstOff;
        for (int ibl = 0; ibl < nb; ibl++, blk += BLOCK_BYTES) {
            int extra = src.get(SHORT_LE, blk);
            for (int ib = 0; ib < 8; ib++, y += 32) {
                int ls = (((u8(src, blk + 2 + ib / 2) >> 4 * (ib % 2)) & 15) | ((extra >> (8 + ib)) & 1) << 4) - 16;
                float dl = d * ls;
                NonLinearLevels v = IqkLevels.IQ2[(extra >> ib) & 1];
                long qs = blk + 6 + 32 * (ib / 4);
                int shift = 2 * (ib % 4);
                for (int j = 0; j < 32; j++) {
                    dst[y + j] = dl * v.level((u8(src, qs + j) >> shift) & 3);
                }
            }
        }
    }
}
