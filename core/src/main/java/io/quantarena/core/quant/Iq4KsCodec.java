package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * IQ4_KS (spec/quant-types.md §9.7): float32 row scale, then per 256 block eight scale bytes
 * (bit 0 = shifted levels, ls = (byte &amp; 254) − 127) and 128 bytes of 4-bit level indices.
 * Byte-exact with the reference x86 build including its fused multiply-adds (§1.1).
 */
final class Iq4KsCodec extends IqkCodec<Iq4KsCodec.Scratch> {

    private static final int BLOCK_BYTES = 136;
    private static final int NTRY = 7;

    static final class Scratch {
        final float[] scales;
        final float[] w = new float[32];
        final NonLinearScaleSearch search = new NonLinearScaleSearch(IqkLevels.IQ4, NTRY, 1, false);

        Scratch(int nPerRow) {
            scales = new float[nPerRow / 32];
        }
    }

    Iq4KsCodec() {
        super(GgmlType.IQ4_KS, 32);
    }

    @Override
    Scratch newScratch(int nPerRow) {
        return new Scratch(nPerRow);
    }

    @Override
    void encodeRow(float[] x, int xOff, float[] qw, int nb, byte[] out, Scratch s) {
        float amaxScale = 0;
        for (int ibl = 0; ibl < nb; ibl++) {
            int xb = xOff + ibl * QK;
            float sigma2 = 2 * IqkQuantMath.sumOfSquares(x, xb, QK) / QK;
            int blk = 4 + ibl * BLOCK_BYTES;
            for (int ib = 0; ib < 8; ib++) {
                weights(x, xb + 32 * ib, qw, ibl * QK + 32 * ib, sigma2, s.w);
                s.search.search(x, xb + 32 * ib, s.w, 0, 32);
                if (s.search.isShifted) {
                    out[blk + ib] = 1;
                }
                s.scales[ibl * 8 + ib] = s.search.scale;
                amaxScale = Math.max(amaxScale, Math.abs(s.search.scale));
            }
        }
        float d = amaxScale / 127;
        if (d == 0) {
            putFloat(out, 0, 0f);
            return;
        }
        float id = 1 / d;
        float sumqx = 0;
        float sumq2 = 0;
        for (int ibl = 0; ibl < nb; ibl++) {
            int xb = xOff + ibl * QK;
            float sigma2 = 2 * IqkQuantMath.sumOfSquares(x, xb, QK) / QK;
            int blk = 4 + ibl * BLOCK_BYTES;
            for (int ib = 0; ib < 8; ib++) {
                int l = 2 * IqkQuantMath.clamp(
                        IqkQuantMath.nearestInt(0.5f * (id * s.scales[ibl * 8 + ib] + 127)), 0, 127);
                out[blk + ib] |= (byte) l;
                l -= 127;
                NonLinearLevels v = IqkLevels.IQ4[out[blk + ib] & 1];
                float dl = d * l;
                float idl = dl != 0 ? 1 / dl : 0;
                int xs = xb + 32 * ib;
                weights(x, xs, qw, ibl * QK + 32 * ib, sigma2, s.w);
                float[] w = s.w;
                int qs = blk + 8 + 16 * ib;
                for (int j = 0; j < 16; j++) {
                    int i1 = v.nearest(idl * x[xs + j]);
                    int i2 = v.nearest(idl * x[xs + j + 16]);
                    out[qs + j] = (byte) (i1 | i2 << 4);
                    float q1 = v.level(i1) * l;
                    float q2 = v.level(i2) * l;
                    float wq1 = w[j] * q1;
                    float wq2 = w[j + 16] * q2;
                    sumqx += Math.fma(wq1, x[xs + j], wq2 * x[xs + j + 16]);
                    sumq2 += Math.fma(wq1, q1, wq2 * q2);
                }
            }
        }
        putFloat(out, 0, sumq2 > 0 ? sumqx / sumq2 : d);
    }

    /** w = qw·√(x² + σ²) (x² fused into the sum) with an imatrix, x² without (§4). */
    private static void weights(float[] x, int xo, float[] qw, int wo, float sigma2, float[] w) {
        for (int j = 0; j < 32; j++) {
            float v = x[xo + j];
            w[j] = qw != null ? qw[wo + j] * (float) Math.sqrt(Math.fma(v, v, sigma2)) : v * v;
        }
    }

    @Override
    void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff) {
        float d = src.get(FLOAT_LE, off);
        long blk = off + 4;
        int y = dstOff;
        for (int ibl = 0; ibl < nb; ibl++, blk += BLOCK_BYTES) {
            for (int ib = 0; ib < 8; ib++) {
                int sc = u8(src, blk + ib);
                NonLinearLevels v = IqkLevels.IQ4[sc & 1];
                float dl = d * ((sc & 254) - 127);
                long qs = blk + 8 + 16 * ib;
                for (int j = 0; j < 16; j++) {
                    int q = u8(src, qs + j);
                    dst[y + j] = dl * v.level(q & 15);
                    dst[y + j + 16] = dl * v.level(q >> 4);
                }
                y += 32;
            }
        }
    }
}
