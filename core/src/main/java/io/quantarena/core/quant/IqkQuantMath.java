package io.quantarena.core.quant;

/**
 * Numerical building blocks shared by the ik non-linear quant types (spec/quant-types.md §1, §2, §9).
 *
 * <p>Products are rounded on their own here (§1.1: fusion is applied only where verified or
 * measured, and the callers say where).
 */
final class IqkQuantMath {

    /** Threshold factor of the QHelper weight sanitizing, {@code 1e-9f*1e-9f} in float (§2.1). */
    private static final float TINY_SQUARED = 1e-9f * 1e-9f;

    private IqkQuantMath() {
    }

    static float fp16ToFloat(short h) {
        return Float.float16ToFloat(h);
    }

    /** IEEE round-to-nearest-even; NaN becomes 0x7E00 as in ggml. */
    static short floatToFp16(float f) {
        return Float.isNaN(f) ? (short) 0x7E00 : Float.floatToFloat16(f);
    }

    /** ggml's {@code nearest_int}: round half to even. */
    static int nearestInt(float x) {
        return (int) Math.rint(x);
    }

    static int clamp(int v, int lo, int hi) {
        return Math.min(Math.max(v, lo), hi);
    }

    /** Σ x² over {@code n} values as a plain ordered float sum (products rounded, §1.1). */
    static float sumOfSquares(float[] x, int off, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += x[off + i] * x[off + i];
        }
        return s;
    }

    /**
     * The per-row weight sanitizing of ik's QHelper (§2.1): copies the imatrix to {@code out} and
     * replaces every block of {@code blockSize} weights by 1e-9 when Σqw², Σx² or Σqw·|x| of the
     * block is tiny.
     */
    static void sanitizeWeights(float[] x, int xOff, float[] imatrix, int n, int blockSize, float[] out) {
        float threshold = blockSize * TINY_SQUARED;
        for (int b = 0; b < n; b += blockSize) {
            float sumw2 = 0;
            float sumx2 = 0;
            float sumwx = 0;
            for (int j = b; j < b + blockSize; j++) {
                float w = imatrix[j];
                float v = x[xOff + j];
                sumw2 += w * w;
                sumx2 += v * v;
                sumwx += w * Math.abs(v);
            }
            if (sumw2 <= threshold || sumx2 <= threshold || sumwx <= threshold) {
                for (int j = b; j < b + blockSize; j++) {
                    out[j] = 1e-9f;
                }
            } else {
                System.arraycopy(imatrix, b, out, b, blockSize);
            }
        }
    }

    /** Index (first wins) of the element with the largest |x| among {@code n} values. */
    static int argMaxAbs(float[] x, int off, int n) {
        int best = 0;
        float amax = Math.abs(x[off]);
        for (int j = 1; j < n; j++) {
            float a = Math.abs(x[off + j]);
            if (a > amax) {
                amax = a;
                best = j;
            }
        }
        return best;
    }

    /**
     * iqk's {@code make_qx_quants} (§2.3): the scale d of the symmetric levels
     * l ∈ [−nmax, nmax−1] that fit {@code x} best under weights {@code w}; levels l + nmax go to
     * {@code levels} when it is not null. Candidate inverse scales −(nmax + 0.1·is)/max, is ≠ 0.
     * Unfused: fusing the sums or the level rounding made no difference on the test data.
     */
    static float makeQxQuants(int n, int nmax, float[] x, int xo, float[] w, int wo, int[] levels) {
        int im = argMaxAbs(x, xo, n);
        float max = x[xo + im];
        if (max == 0) {
            if (levels != null) {
                java.util.Arrays.fill(levels, 0, n, nmax);
            }
            return 0;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            int l = qxLevel(iscale, x[xo + i], nmax);
            float wi = w[wo + i];
            sumlx += wi * x[xo + i] * l;
            suml2 += wi * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0;
        float best = scale * sumlx;
        float bestIscale = iscale;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) {
                continue;
            }
            float it = -(nmax + 0.1f * is) / max;
            float slx = 0;
            float sl2 = 0;
            for (int i = 0; i < n; i++) {
                int l = qxLevel(it, x[xo + i], nmax);
                float wi = w[wo + i];
                slx += wi * x[xo + i] * l;
                sl2 += wi * l * l;
            }
            if (sl2 > 0 && slx * slx > best * sl2) {
                scale = slx / sl2;
                best = scale * slx;
                bestIscale = it;
            }
        }
        if (levels != null) {
            for (int i = 0; i < n; i++) {
                levels[i] = qxLevel(bestIscale, x[xo + i], nmax) + nmax;
            }
        }
        return scale;
    }

    private static int qxLevel(float iscale, float x, int nmax) {
        return clamp(nearestInt(iscale * x), -nmax, nmax - 1);
    }

    /** Rejects row lengths that are not whole 256-element super-blocks. */
    static int superBlocks(int nPerRow, String typeName) {
        if (nPerRow <= 0 || nPerRow % 256 != 0) {
            throw new IllegalArgumentException("row length " + nPerRow + " is not a positive multiple of 256, "
                    + "the super-block size of " + typeName);
        }
        return nPerRow / 256;
    }
}
