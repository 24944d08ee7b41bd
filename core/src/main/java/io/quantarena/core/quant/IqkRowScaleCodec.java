package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

/**
 * Encoder frame of IQ4_KS and IQ5_KS (spec/quant-types.md §9.7, §9.8): float32 row scale, then per
 * 256 block eight scale bytes (bit 0 = shifted levels, ls = (byte &amp; 254) − 127, odd) of the
 * 32-element sub-blocks and the level indices. Byte-exact with the reference x86 build including
 * its fused multiply-adds (§1.1, verified for IQ4_KS).
 */
abstract class IqkRowScaleCodec extends IqkCodec<IqkRowScaleCodec.Scratch> {

    static final class Scratch {
        final float[] scales;
        final float[] w = new float[32];
        final NonLinearScaleSearch search;

        Scratch(int nPerRow, NonLinearScaleSearch search) {
            scales = new float[nPerRow / 32];
            this.search = search;
        }
    }

    private final NonLinearLevels[] levels;
    private final int ntry;
    private final boolean pairedSums;
    private final boolean fusedWeights;

    /**
     * @param pairedSums   the final sums add the terms of elements j and j+16 as one pair,
     *                     fma(w_j·q_j, x_j, (w_{j+16}·q_{j+16})·x_{j+16}) (IQ4_KS), instead of
     *                     fusing each term into the running sum (IQ5_KS)
     * @param fusedWeights imatrix weights qw·√(fma(x, x, σ²)) (IQ4_KS, §1.1) instead of qw·√(x·x + σ²)
     */
    IqkRowScaleCodec(GgmlType type, NonLinearLevels[] levels, int ntry, boolean pairedSums, boolean fusedWeights) {
        super(type, 32);
        this.levels = levels;
        this.ntry = ntry;
        this.pairedSums = pairedSums;
        this.fusedWeights = fusedWeights;
    }

    @Override
    final Scratch newScratch(int nPerRow) {
        return new Scratch(nPerRow, new NonLinearScaleSearch(levels, ntry, 1, false, true));
    }

    /** Writes level index {@code idx} of element {@code j} (0…31) of sub-block {@code ib} of the block at {@code blk}. */
    abstract void storeIndex(byte[] out, int blk, int ib, int j, int idx);

    @Override
    final void encodeRow(float[] x, int xOff, float[] qw, int nb, byte[] out, Scratch s) {
        int blockBytes = type().bytesPerBlock();
        float amaxScale = 0;
        for (int ibl = 0; ibl < nb; ibl++) {
            int xb = xOff + ibl * QK;
            float sigma2 = 2 * IqkQuantMath.sumOfSquares(x, xb, QK) / QK;
            int blk = 4 + ibl * blockBytes;
            for (int ib = 0; ib < 8; ib++) {
                IqkWeights.compute(x, xb + 32 * ib, qw, ibl * QK + 32 * ib, sigma2, false, fusedWeights, s.w, 32);
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
            int blk = 4 + ibl * blockBytes;
            for (int ib = 0; ib < 8; ib++) {
                int l = 2 * IqkQuantMath.clamp(
                        IqkQuantMath.nearestInt(0.5f * (id * s.scales[ibl * 8 + ib] + 127)), 0, 127);
                out[blk + ib] |= (byte) l;
                l -= 127;
                NonLinearLevels v = levels[out[blk + ib] & 1];
                float dl = d * l;
                float idl = dl != 0 ? 1 / dl : 0;
                int xs = xb + 32 * ib;
                IqkWeights.compute(x, xs, qw, ibl * QK + 32 * ib, sigma2, false, fusedWeights, s.w, 32);
                float[] w = s.w;
                if (pairedSums) {
                    for (int j = 0; j < 16; j++) {
                        int i1 = v.nearest(idl * x[xs + j]);
                        int i2 = v.nearest(idl * x[xs + j + 16]);
                        storeIndex(out, blk, ib, j, i1);
                        storeIndex(out, blk, ib, j + 16, i2);
                        float q1 = v.level(i1) * l;
                        float q2 = v.level(i2) * l;
                        float wq1 = w[j] * q1;
                        float wq2 = w[j + 16] * q2;
                        sumqx += Math.fma(wq1, x[xs + j], wq2 * x[xs + j + 16]);
                        sumq2 += Math.fma(wq1, q1, wq2 * q2);
                    }
                } else {
                    for (int j = 0; j < 32; j++) {
                        int idx = v.nearest(idl * x[xs + j]);
                        storeIndex(out, blk, ib, j, idx);
                        float q = v.level(idx) * l;
                        float wq = w[j] * q;
                        sumqx = Math.fma(wq, x[xs + j], sumqx);
                        sumq2 = Math.fma(wq, q, sumq2);
                    }
                }
            }
        }
        putFloat(out, 0, sumq2 > 0 ? sumqx / sumq2 : d);
    }
}
