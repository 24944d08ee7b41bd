package io.quantarena.core.quant;

/**
 * The per-sub-block scale search shared by IQ3_K, IQ4_K, IQ4_KS, IQ5_K, IQ5_KS and IQ6_K
 * (spec/quant-types.md §9.3–9.8): try the scale that maps the largest |x| to the outermost level,
 * then 2·ntry+1 nearby inverse scales with the normal and the shifted level set, each with both
 * signs, and keep the weighted least-squares best (§2.9).
 *
 * <p>The search sums are accumulated as {@code fma(w·q, x, sum)} and {@code fma(w·q, q, sum)}, as
 * verified for IQ4_KS (§1.1). For the other types §1.1 did not check this; on the test data the
 * fused sums give 28/28 identical rows where unfused ones give 26–27/28 (IQ4_K, IQ5_K, IQ6_K,
 * IQ5_KS, IQ3_K imatrix), so these fuse too. For IQ3_KS it made no difference, so it does not.
 * The IQ5_K/IQ6_K refit sums made no difference either and stay unfused.
 */
final class NonLinearScaleSearch {

    private final NonLinearLevels normal;
    private final NonLinearLevels shifted;
    private final int ntry;
    private final int tryStep;
    private final boolean refit;
    private final boolean fusedSums;

    /** Scale of the last {@link #search}. */
    float scale;
    /** Whether the last {@link #search} chose the shifted level set. */
    boolean isShifted;

    // running best of one search
    private float best;
    private float sumqx;
    private float sumq2;
    private float sumqxMinus;
    private float sumq2Minus;

    /**
     * @param levels  {normal, shifted} level sets
     * @param ntry    the inverse scales tried are (tryStep·itry + V[0])/max for itry = −ntry … ntry
     * @param refit   IQ5_K/IQ6_K: refit the scale once to the levels chosen by the winner
     * @param fusedSums accumulate with fma (see the class comment)
     */
    NonLinearScaleSearch(NonLinearLevels[] levels, int ntry, int tryStep, boolean refit, boolean fusedSums) {
        this.normal = levels[0];
        this.shifted = levels[1];
        this.ntry = ntry;
        this.tryStep = tryStep;
        this.refit = refit;
        this.fusedSums = fusedSums;
    }

    /** Searches the scale of {@code x[xo .. xo+n)} with weights {@code w[wo ..]}; sets {@link #scale}, {@link #isShifted}. */
    void search(float[] x, int xo, float[] w, int wo, int n) {
        scale = 0;
        isShifted = false;
        int im = IqkQuantMath.argMaxAbs(x, xo, n);
        float max = x[xo + im];
        if (Math.abs(max) < 1e-16f) {
            return;
        }
        float d = -max / normal.value(0);
        float id = 1 / d;
        sums(x, xo, w, wo, n, normal, id);
        best = 0;
        if (sumq2 > 0) {
            d = sumqx / sumq2;
            best = d * sumqx;
        }
        if (sumq2Minus > 0 && sumqxMinus * sumqxMinus > best * sumq2Minus) {
            d = sumqxMinus / sumq2Minus;
            best = d * sumqxMinus;
        }
        scale = d;
        for (int itry = -ntry; itry <= ntry; itry++) {
            id = (tryStep * itry + normal.level(0)) / max;
            sums(x, xo, w, wo, n, normal, id);
            consider(false);
            id = (tryStep * itry + shifted.level(0)) / max;
            sums(x, xo, w, wo, n, shifted, id);
            consider(true);
        }
        if (refit && scale != 0) {
            NonLinearLevels v = isShifted ? shifted : normal;
            id = 1 / scale;
            float sqx = 0;
            float sq2 = 0;
            for (int j = 0; j < n; j++) {
                float q = v.value(v.nearest(id * x[xo + j]));
                float wq = w[wo + j] * q;
                sqx += wq * x[xo + j];
                sq2 += wq * q;
            }
            if (sq2 > 0) {
                scale = sqx / sq2;
            }
        }
    }

    private void consider(boolean withShift) {
        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
            scale = sumqx / sumq2;
            best = scale * sumqx;
            isShifted = withShift;
        }
        if (sumq2Minus > 0 && sumqxMinus * sumqxMinus > best * sumq2Minus) {
            scale = sumqxMinus / sumq2Minus;
            best = scale * sumqxMinus;
            isShifted = withShift;
        }
    }

    /** Sums for the levels nearest to id·x ("+") and to −id·x ("−"). */
    private void sums(float[] x, int xo, float[] w, int wo, int n, NonLinearLevels v, float id) {
        float sqx = 0;
        float sq2 = 0;
        float sqxm = 0;
        float sq2m = 0;
        for (int j = 0; j < n; j++) {
            float xj = x[xo + j];
            float wj = w[wo + j];
            float al = id * xj;
            float q = v.value(v.nearest(al));
            float wq = wj * q;
            float qm = v.value(v.nearest(-al));
            float wqm = wj * qm;
            if (fusedSums) {
                sqx = Math.fma(wq, xj, sqx);
                sq2 = Math.fma(wq, q, sq2);
                sqxm = Math.fma(wqm, xj, sqxm);
                sq2m = Math.fma(wqm, qm, sq2m);
            } else {
                sqx += wq * xj;
                sq2 += wq * q;
                sqxm += wqm * xj;
                sq2m += wqm * qm;
            }
        }
        sumqx = sqx;
        sumq2 = sq2;
        sumqxMinus = sqxm;
        sumq2Minus = sq2m;
    }
}
