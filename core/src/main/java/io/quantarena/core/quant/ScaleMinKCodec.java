package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

/**
 * Shared encoder of Q4_K and Q5_K (spec/quant-types.md §6.3/§6.4): 8 sub-blocks of 32 with a
 * 6-bit scale and a 6-bit min each (12 packed bytes at offset 4), fp16 d @0 and dmin @2. The
 * two formats differ only in level range, search parameters and how levels are packed.
 */
abstract sealed class ScaleMinKCodec extends SuperBlockCodec permits Q4KCodec, Q5KCodec {

    static final int SCALES = 4;

    private final int nmax;
    private final float refRmin;
    private final float refRdelta;
    private final int refSteps;

    ScaleMinKCodec(GgmlType type, int nmax, float refRmin, float refRdelta, int refSteps) {
        super(type);
        this.nmax = nmax;
        this.refRmin = refRmin;
        this.refRdelta = refRdelta;
        this.refSteps = refSteps;
    }

    /** Writes the levels (0…nmax, 256 of them) into the quant bytes of {@code out}. */
    abstract void packLevels(int[] levels, byte[] out);

    /** Scale of sub-block j (get_scale_min_k4). */
    static int scaleOf(byte[] b, int j) {
        return j < 4 ? b[SCALES + j] & 63
                : (b[SCALES + j + 4] & 15) | (((b[SCALES + j - 4] & 0xFF) >> 6) << 4);
    }

    /** Min of sub-block j (get_scale_min_k4). */
    static int minOf(byte[] b, int j) {
        return j < 4 ? b[SCALES + j + 4] & 63
                : ((b[SCALES + j + 4] & 0xFF) >> 4) | (((b[SCALES + j] & 0xFF) >> 6) << 4);
    }

    /** Packs 8 scale and 8 min codes; the j < 4 writes come first, as in the reference. */
    private static void putScalesAndMins(byte[] out, int[] ls, int[] lm) {
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                out[SCALES + j] = (byte) ls[j];
                out[SCALES + j + 4] = (byte) lm[j];
            } else {
                out[SCALES + j + 4] = (byte) ((ls[j] & 15) | ((lm[j] & 15) << 4));
                out[SCALES + j - 4] |= (byte) ((ls[j] >> 4) << 6);
                out[SCALES + j] |= (byte) ((lm[j] >> 4) << 6);
            }
        }
    }

    @Override
    final void encodeBlock(float[] x, int xo, float[] qw, int qo, KQuantScratch s, byte[] out) {
        float[] w = s.weights;
        int[] levels = s.levels;
        int[] ls = s.scaleLevels;
        int[] lm = s.minLevels;
        short dh;
        short mh;
        if (qw == null) {
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 8; j++) {
                int o = xo + 32 * j;
                float av = (float) Math.sqrt(QuantMath.sumOfSquares(x, o, 32) / 32);
                for (int l = 0; l < 32; l++) {
                    w[l] = av + Math.abs(x[o + l]);
                }
                float sc = KQuantMath.makeQkx2Quants(32, nmax, x, o, w, 0, levels, 32 * j, s.mins, j, s.aux,
                        refRmin, refRdelta, refSteps, false);
                requireNumber(sc, "sub-block scale", xo);
                s.scales[j] = sc;
                if (sc > maxScale) {
                    maxScale = sc;
                }
                if (s.mins[j] > maxMin) {
                    maxMin = s.mins[j];
                }
            }
            float invScale = maxScale > 0 ? 63f / maxScale : 0f;
            float invMin = maxMin > 0 ? 63f / maxMin : 0f;
            for (int j = 0; j < 8; j++) {
                ls[j] = Math.min(63, QuantMath.nearestIntOfProduct(invScale, s.scales[j])) & 0xFF;
                lm[j] = Math.min(63, QuantMath.nearestIntOfProduct(invMin, s.mins[j])) & 0xFF;
            }
            dh = QuantMath.floatToFp16(maxScale / 63f);
            mh = QuantMath.floatToFp16(maxMin / 63f);
        } else {
            imatrixWeights(x, xo, qw, qo, 2, 32, s); // σ² = 2·Σx²/256, R2 (§1.1)
            for (int j = 0; j < 8; j++) {
                s.scales[j] = KQuantMath.makeQkx3Quants(32, nmax, x, xo + 32 * j, w, 32 * j, levels, 32 * j, s.mins, j,
                        s.aux, -0.9f, 0.05f, 36);
            }
            float dBlock = KQuantMath.makeQpQuants(8, 63, s.scales, ls, s.sumWeights);
            float mBlock = KQuantMath.makeQpQuants(8, 63, s.mins, lm, s.sumWeights);
            requireNumber(dBlock, "super-block scale", xo);
            requireNumber(mBlock, "super-block min", xo);
            for (int j = 0; j < 8; j++) {
                ls[j] = Math.min(63, ls[j]);
                lm[j] = Math.min(63, lm[j]);
            }
            dh = QuantMath.floatToFp16(dBlock);
            mh = QuantMath.floatToFp16(mBlock);
        }
        putScalesAndMins(out, ls, lm);
        float d = QuantMath.fp16ToFloat(dh);
        float dmin = QuantMath.fp16ToFloat(mh);
        for (int j = 0; j < 8; j++) {
            float dq = d * scaleOf(out, j);
            if (dq == 0) {
                continue; // keep the levels of the sub-block search
            }
            float dm = dmin * minOf(out, j);
            for (int i = 0; i < 32; i++) {
                int l = QuantMath.nearestInt((x[xo + 32 * j + i] + dm) / dq);
                levels[32 * j + i] = Math.min(Math.max(l, 0), nmax);
            }
        }
        packLevels(levels, out);
        QuantMath.putShortLE(out, 0, dh);
        QuantMath.putShortLE(out, 2, mh);
    }

    /** The reference aborts on a NaN scale (NaN/Inf input); we refuse with the block's position. */
    private void requireNumber(float v, String what, int xo) {
        if (Float.isNaN(v)) {
            throw new IllegalArgumentException(type().typeName() + ": " + what + " is NaN in the super-block at source offset "
                    + xo + " (input contains NaN or Inf?)");
        }
    }
}
