package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

/**
 * Encoder frame of IQ4_K, IQ5_K and IQ6_K (spec/quant-types.md §9.4–9.6): fp16 super-block scale
 * at offset 0, shift bits of the sixteen 16-element sub-blocks at offset 2, signed sub-block scales
 * ls ∈ [lsMin, lsMax] relative to d = −max_scale/scaleDivisor, and a final least-squares refit of
 * d. Subclasses place scales and indices and decode.
 *
 * <p>Only the scale search fuses its sums (see {@link NonLinearScaleSearch}); fusing the weights,
 * nearest_int(id·scale) or the final sums made no difference on the reference data, so those
 * products are rounded on their own.
 */
abstract class IqkSignedScaleCodec extends IqkCodec<IqkSignedScaleCodec.Scratch> {

    static final class Scratch {
        final float[] w = new float[QK];
        final float[] scales = new float[16];
        final boolean[] shifted = new boolean[16];
        final NonLinearScaleSearch search;

        Scratch(NonLinearScaleSearch search) {
            this.search = search;
        }
    }

    private final NonLinearLevels[] levels;
    private final int ntry;
    private final boolean refit;
    private final int lsMin;
    private final int lsMax;
    private final float scaleDivisor;
    private final boolean quarterSigmaDefault;
    private final boolean zeroBlockKeepsIndices;

    /**
     * @param quarterSigmaDefault weights without imatrix are 0.25σ² + x² (else x²)
     * @param zeroBlockKeepsIndices IQ4_K: an all-zero block and zero sub-block scales still run
     *                              the requantization (indices of best_index(0)); IQ5_K/IQ6_K skip
     */
    IqkSignedScaleCodec(GgmlType type, NonLinearLevels[] levels, int ntry, boolean refit, int lsMin, int lsMax,
                        float scaleDivisor, boolean quarterSigmaDefault, boolean zeroBlockKeepsIndices) {
        super(type, 16);
        this.levels = levels;
        this.ntry = ntry;
        this.refit = refit;
        this.lsMin = lsMin;
        this.lsMax = lsMax;
        this.scaleDivisor = scaleDivisor;
        this.quarterSigmaDefault = quarterSigmaDefault;
        this.zeroBlockKeepsIndices = zeroBlockKeepsIndices;
    }

    @Override
    final Scratch newScratch(int nPerRow) {
        return new Scratch(new NonLinearScaleSearch(levels, ntry, 1, refit, true));
    }

    /** Writes the signed sub-block scale {@code ls} of sub-block {@code ib}. */
    abstract void storeScale(byte[] out, int blk, int ib, int ls);

    /** Writes level index {@code idx} of element {@code e} (0…255) of the super-block. */
    abstract void storeIndex(byte[] out, int blk, int e, int idx);

    @Override
    final void encodeRow(float[] x, int xOff, float[] qw, int nb, byte[] out, Scratch s) {
        int blockBytes = type().bytesPerBlock();
        for (int ibl = 0; ibl < nb; ibl++) {
            encodeBlock(x, xOff + ibl * QK, qw, ibl * QK, out, ibl * blockBytes, s);
        }
    }

    private void encodeBlock(float[] x, int xb, float[] qw, int wb, byte[] out, int blk, Scratch s) {
        float sigma2 = 2 * IqkQuantMath.sumOfSquares(x, xb, QK) / QK;
        float[] w = s.w;
        IqkWeights.compute(x, xb, qw, wb, sigma2, quarterSigmaDefault, false, w, QK);
        float maxScale = 0;
        float amaxScale = 0;
        int extra = 0;
        for (int ib = 0; ib < 16; ib++) {
            s.search.search(x, xb + 16 * ib, w, 16 * ib, 16);
            float sc = s.search.scale;
            s.scales[ib] = sc;
            s.shifted[ib] = s.search.isShifted;
            if (s.search.isShifted) {
                extra |= 1 << ib;
            }
            if (Math.abs(sc) > amaxScale) {
                amaxScale = Math.abs(sc);
                maxScale = sc;
            }
        }
        if (amaxScale == 0 && !zeroBlockKeepsIndices) {
            return;
        }
        putShort(out, blk + 2, (short) extra);
        float d = -maxScale / scaleDivisor;
        float id = d != 0 ? 1 / d : 0;
        float sumqx = 0;
        float sumq2 = 0;
        for (int ib = 0; ib < 16; ib++) {
            int ls = IqkQuantMath.clamp(IqkQuantMath.nearestInt(id * s.scales[ib]), lsMin, lsMax);
            storeScale(out, blk, ib, ls);
            float dl = d * ls;
            if (dl == 0 && !zeroBlockKeepsIndices) {
                continue;
            }
            float idl = dl != 0 ? 1 / dl : 0;
            NonLinearLevels v = levels[s.shifted[ib] ? 1 : 0];
            for (int j = 16 * ib; j < 16 * ib + 16; j++) {
                int idx = v.nearest(idl * x[xb + j]);
                storeIndex(out, blk, j, idx);
                float q = v.level(idx) * ls;
                float wq = w[j] * q;
                sumqx += wq * x[xb + j];
                sumq2 += wq * q;
            }
        }
        putFp16(out, blk, sumq2 > 0 ? sumqx / sumq2 : d);
    }
}
