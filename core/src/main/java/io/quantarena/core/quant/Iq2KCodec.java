package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * IQ2_K (spec/quant-types.md §9.1), 76 bytes per 256: fp16 d, shift bits, 4-bit scales (value
 * nibble − 8) of sixteen 16-element sub-blocks, 2-bit level indices.
 */
final class Iq2KCodec extends IqkCodec<Iq2KCodec.Scratch> {

    private static final int BLOCK_BYTES = 76;

    static final class Scratch {
        final float[] w = new float[QK];
        final float[] scales = new float[16];
        final float[] sw = new float[16];
        final Iq2LevelSearch search = new Iq2LevelSearch(16);
    }

    Iq2KCodec() {
        super(GgmlType.IQ2_K, 16);
    }

    @Override
    Scratch newScratch(int nPerRow) {
        return new Scratch();
    }

    @Override
    void encodeRow(float[] x, int xOff, float[] qw, int nb, byte[] out, Scratch s) {
        for (int ibl = 0; ibl < nb; ibl++) {
            encodeBlock(x, xOff + ibl * QK, qw, ibl * QK, out, ibl * BLOCK_BYTES, s);
        }
    }

    private static void encodeBlock(float[] x, int xb, float[] qw, int wb, byte[] out, int blk, Scratch s) {
        float sigma2 = 1.5f * IqkQuantMath.sumOfSquares(x, xb, QK) / QK;
        float[] w = s.w;
        IqkWeights.compute(x, xb, qw, wb, sigma2, true, false, w, QK);
        int extra = 0;
        boolean allZero = true;
        for (int ib = 0; ib < 16; ib++) {
            float sw = 0;
            for (int j = 16 * ib; j < 16 * ib + 16; j++) {
                sw += w[j];
            }
            s.sw[ib] = sw;
            s.search.search(x, xb + 16 * ib, w, 16 * ib, 16, 16, 0);
            s.scales[ib] = s.search.scale;
            if (s.search.isShifted) {
                extra |= 1 << ib;
            }
            allZero &= s.search.scale == 0;
        }
        if (allZero) {
            return;
        }
        float d = IqkQuantMath.makeQxQuants(16, 8, s.scales, 0, s.sw, 0, null);
        if (d == 0) {
            return;
        }
        putShort(out, blk + 2, (short) extra);
        float id = 1 / d;
        float sumqx = 0;
        float sumq2 = 0;
        for (int ib = 0; ib < 16; ib++) {
            int ls = IqkQuantMath.clamp(IqkQuantMath.nearestInt(id * s.scales[ib]), -8, 7);
            out[blk + 4 + ib / 2] |= (byte) ((ls + 8) << 4 * (ib % 2));
            float dl = d * ls;
            if (dl == 0) {
                continue;
            }
            float idl = 1 / dl;
            NonLinearLevels v = IqkLevels.IQ2[(extra >> ib) & 1];
            for (int e = 16 * ib; e < 16 * ib + 16; e++) {
                int idx = v.nearestOf4(idl * x[xb + e]);
                int b = e / 32;
                out[blk + 12 + 32 * (b / 4) + e % 32] |= (byte) (idx << 2 * (b % 4));
                float q = v.level(idx) * ls;
                float wq = w[e] * q;
                sumqx += wq * x[xb + e];
                sumq2 += wq * q;
            }
        }
        putFp16(out, blk, 1.030f * (sumq2 > 0 ? sumqx / sumq2 : d));
    }

    @Override
    void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff) {
        long blk = off;
        int y = dstOff;
        for (int ibl = 0; ibl < nb; ibl++, blk += BLOCK_BYTES) {
            float d = fp16At(src, blk);
            int extra = src.get(SHORT_LE, blk + 2);
            for (int ib = 0; ib < 16; ib++, y += 16) {
                float dl = d * (((u8(src, blk + 4 + ib / 2) >> 4 * (ib % 2)) & 15) - 8);
                NonLinearLevels v = IqkLevels.IQ2[(extra >> ib) & 1];
                int b = ib / 2;
                long qs = blk + 12 + 32 * (b / 4);
                int shift = 2 * (b % 4);
                int j0 = 16 * (ib % 2);
                for (int j = j0; j < j0 + 16; j++) {
                    dst[y + j - j0] = dl * v.level((u8(src, qs + j) >> shift) & 3);
                }
            }
        }
    }
}
