package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * IQ3_K (spec/quant-types.md §9.3), 110 bytes per 256: fp16 d, shift bits, sign bits and 4-bit
 * magnitudes s of the odd sub-block scales ±(2s+1) of sixteen 16-element sub-blocks, the low 2
 * index bits in qs and bit 2 in qh.
 */
final class Iq3KCodec extends IqkCodec<Iq3KCodec.Scratch> {

    private static final int BLOCK_BYTES = 110;

    static final class Scratch {
        final float[] w = new float[QK];
        final float[] scales = new float[16];
        final NonLinearScaleSearch search = new NonLinearScaleSearch(IqkLevels.IQ3, 3, 2, false, true);
    }

    Iq3KCodec() {
        super(GgmlType.IQ3_K, 16);
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
        float amax = 0;
        int extra = 0;
        for (int ib = 0; ib < 16; ib++) {
            s.search.search(x, xb + 16 * ib, w, 16 * ib, 16);
            s.scales[ib] = s.search.scale;
            if (s.search.isShifted) {
                extra |= 1 << ib;
            }
            amax = Math.max(amax, Math.abs(s.search.scale));
        }
        if (amax == 0) {
            return;
        }
        putShort(out, blk + 2, (short) extra);
        float d = amax / 31;
        float id = 1 / d;
        int signs = 0;
        float sumqx = 0;
        float sumq2 = 0;
        for (int ib = 0; ib < 16; ib++) {
            float sc = s.scales[ib];
            int ls = IqkQuantMath.clamp(IqkQuantMath.nearestInt(0.5f * (id * Math.abs(sc) - 1)), 0, 15);
            out[blk + 6 + ib / 2] |= (byte) (ls << 4 * (ib % 2));
            ls = 2 * ls + 1;
            if (sc < 0) {
                signs |= 1 << ib;
                ls = -ls;
            }
            float dl = d * ls;
            float idl = 1 / dl;
            NonLinearLevels v = IqkLevels.IQ3[(extra >> ib) & 1];
            for (int e = 16 * ib; e < 16 * ib + 16; e++) {
                int idx = v.nearest(idl * x[xb + e]);
                int b = e / 32;
                int j = e % 32;
                out[blk + 14 + 32 * (b / 4) + j] |= (byte) ((idx & 3) << 2 * (b % 4));
                out[blk + 78 + j] |= (byte) ((idx >> 2) << b);
                float q = v.level(idx) * ls;
                float wq = w[e] * q;
                sumqx += wq * x[xb + e];
                sumq2 += wq * q;
            }
        }
        putShort(out, blk + 4, (short) signs);
        putFp16(out, blk, 1.01f * (sumq2 > 0 ? sumqx / sumq2 : d));
    }

    @Override
    void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff) {
        long blk = off;
        int y = dstOff;
        for (int ibl = 0; ibl < nb; ibl++, blk += BLOCK_BYTES) {
            float d = fp16At(src, blk);
            int extra = src.get(SHORT_LE, blk + 2);
            int signs = src.get(SHORT_LE, blk + 4);
            for (int ib = 0; ib < 16; ib++, y += 16) {
                int ls = 2 * ((u8(src, blk + 6 + ib / 2) >> 4 * (ib % 2)) & 15) + 1;
                float dl = d * ((signs >> ib & 1) != 0 ? -ls : ls);
                NonLinearLevels v = IqkLevels.IQ3[(extra >> ib) & 1];
                int b = ib / 2;
                long qs = blk + 14 + 32 * (b / 4);
                int shift = 2 * (b % 4);
                int j0 = 16 * (ib % 2);
                for (int j = j0; j < j0 + 16; j++) {
                    int idx = ((u8(src, qs + j) >> shift) & 3) | ((u8(src, blk + 78 + j) >> b) & 1) << 2;
                    dst[y + j - j0] = dl * v.level(idx);
                }
            }
        }
    }
}
