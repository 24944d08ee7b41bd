package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * IQ3_KS (ggml id 156): fp16 row scale, then per 256 block 102 bytes. The spec has no prose for
 * this type; the layout below was inferred from its neighbours (IQ2_KS, IQ3_K) and verified
 * against the reference data (every decoded value bit-exact):
 * <ul>
 *   <li>0: extra (uint16 LE): bit ib = bit 4 of sub-block ib's stored scale, bit 8+ib = sub-block
 *       ib uses the shifted levels iq3nl_values[8..15];</li>
 *   <li>2: scales[4]: byte p low nibble = low 4 bits of sub-block p's stored scale, high nibble =
 *       sub-block p+4; stored scale Ls = ls + 16, ls ∈ [−16, 15];</li>
 *   <li>6: qs[64]: low 2 index bits of element j of 32-element sub-block ib at qs[32·(ib/4) + j],
 *       bits 2·(ib%4) (as IQ3_K); 70: qh[32]: bit 2 of the index at qh[j] bit ib;</li>
 *   <li>y = (d_row·ls)·V[idx].</li>
 * </ul>
 *
 * <p>The encoder is inferred, not specified: it is the IQ4_KS scheme (§9.7) with the IQ3 levels
 * and 5-bit signed scales, and reproduces all 28 reference rows with and without imatrix:
 * weights x² or qw·√(x² + σ²) with σ² = 2·Σx²/256 (the refit ratio of the reference rows fits
 * these, not IQ3_K's); per 32-sub-block the IQ4_K search with inverse scales
 * (itry + V[0])/max, itry = −5…5 (IQ3_K's ±3 in steps of 2, ±7 and the other combinations give
 * 12–26/28); d = −max_scale/16 over the row (the largest sub-block always has ls = −16 and an
 * all-zero row stores d = −0); ls = clamp(nearest_int(id·scale), −16, 15); every sub-block is
 * requantized with idl = dl ? 1/dl : 0; d_row = fp16(Σw·q·x / Σw·q²) with no extra factor.
 * No product is fused: fusing the search or final sums or the weights made no difference.
 */
final class Iq3KsCodec extends IqkCodec<Iq3KsCodec.Scratch> {

    private static final int BLOCK_BYTES = 102;

    static final class Scratch {
        final float[] w;
        final float[] scales;
        final boolean[] shifted;
        final NonLinearScaleSearch search = new NonLinearScaleSearch(IqkLevels.IQ3, 5, 1, false, false);

        Scratch(int nPerRow) {
            w = new float[nPerRow];
            scales = new float[nPerRow / 32];
            shifted = new boolean[nPerRow / 32];
        }
    }

    Iq3KsCodec() {
        super(GgmlType.IQ3_KS, 32);
    }

    @Override
    Scratch newScratch(int nPerRow) {
        return new Scratch(nPerRow);
    }

    @Override
    void encodeRow(float[] x, int xOff, float[] qw, int nb, byte[] out, Scratch s) {
        int nsub = nb * 8;
        float[] w = s.w;
        float maxScale = 0;
        float amaxScale = 0;
        for (int ibl = 0; ibl < nb; ibl++) {
            int xb = xOff + ibl * QK;
            float sigma2 = 2 * IqkQuantMath.sumOfSquares(x, xb, QK) / QK;
            IqkWeights.compute(x, xb, qw, ibl * QK, sigma2, false, false, w, QK, ibl * QK);
        }
        for (int k = 0; k < nsub; k++) {
            s.search.search(x, xOff + 32 * k, w, 32 * k, 32);
            float sc = s.search.scale;
            s.scales[k] = sc;
            s.shifted[k] = s.search.isShifted;
            if (Math.abs(sc) > amaxScale) {
                amaxScale = Math.abs(sc);
                maxScale = sc;
            }
        }
        float d = -maxScale / 16;
        putFp16(out, 0, d);
        if (d == 0) {
            return;
        }
        float id = 1 / d;
        float sumqx = 0;
        float sumq2 = 0;
        for (int k = 0; k < nsub; k++) {
            int blk = 2 + (k / 8) * BLOCK_BYTES;
            int ib = k % 8;
            int ls = IqkQuantMath.clamp(IqkQuantMath.nearestInt(id * s.scales[k]), -16, 15);
            int stored = ls + 16;
            int extra = (out[blk] & 0xFF) | (out[blk + 1] & 0xFF) << 8;
            extra |= (stored >> 4) << ib | (s.shifted[k] ? 1 : 0) << (8 + ib);
            putShort(out, blk, (short) extra);
            out[blk + 2 + ib % 4] |= (byte) ((stored & 15) << 4 * (ib / 4));
            float dl = d * ls;
            float idl = dl != 0 ? 1 / dl : 0;
            NonLinearLevels v = IqkLevels.IQ3[s.shifted[k] ? 1 : 0];
            int xs = xOff + 32 * k;
            for (int j = 0; j < 32; j++) {
                int idx = v.nearest(idl * x[xs + j]);
                out[blk + 6 + 32 * (ib / 4) + j] |= (byte) ((idx & 3) << 2 * (ib % 4));
                out[blk + 70 + j] |= (byte) ((idx >> 2) << ib);
                float q = v.level(idx) * ls;
                float wq = w[32 * k + j] * q;
                sumqx += wq * x[xs + j];
                sumq2 += wq * q;
            }
        }
        if (sumq2 > 0) {
            putFp16(out, 0, sumqx / sumq2);
        }
    }

    @Override
    void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff) {
        float d = fp16At(src, off);
        long blk = off + 2;
        int y = dstOff;
        for (int ibl = 0; ibl < nb; ibl++, blk += BLOCK_BYTES) {
            int extra = src.get(SHORT_LE, blk);
            for (int ib = 0; ib < 8; ib++, y += 32) {
                int ls = (((u8(src, blk + 2 + ib % 4) >> 4 * (ib / 4)) & 15) | ((extra >> ib) & 1) << 4) - 16;
                float dl = d * ls;
                NonLinearLevels v = IqkLevels.IQ3[(extra >> (8 + ib)) & 1];
                long qs = blk + 6 + 32 * (ib / 4);
                int shift = 2 * (ib % 4);
                for (int j = 0; j < 32; j++) {
                    int idx = ((u8(src, qs + j) >> shift) & 3) | ((u8(src, blk + 70 + j) >> ib) & 1) << 2;
                    dst[y + j] = dl * v.level(idx);
                }
            }
        }
    }
}
