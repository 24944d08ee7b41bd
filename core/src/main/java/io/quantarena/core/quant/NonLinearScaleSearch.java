package io.quantarena.core.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private final NonLinearLevels normal;
    private final NonLinearLevels shifted;
    private final int ntry;
    private final int tryStep;
    private final boolean refit;
    private final boolean fusedSums;

    /** Whether the tries are scanned one lane per try (see {@link #vectorSums}). */
    private final boolean vectorTries;
    /** The tries' inverse scales, per level set the four sums (lane = try), and gather index buffers. */
    private final float[] tryIds;
    private final float[] trySums;
    private final int[] gatherIndex;

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
        this.vectorTries = 2 * ntry + 1 <= F.length() && F.length() == I.length() && levels[0].indexTable() != null;
        this.tryIds = new float[F.length()];
        this.trySums = new float[2 * 4 * F.length()];
        this.gatherIndex = new int[F.length()];
    }

    /** Searches the scale of {@code x[xo .. xo+n)} with weights {@code w[wo ..]}; sets {@link #scale}, {@link #isShifted}. */
    void search(float[] x, int xo, float[] w, int wo, int n) {
        search(x, xo, w, wo, n, !vectorTries);
    }

    /** @param scalar sum the tries one after the other (the specification; tests compare the two) */
    void search(float[] x, int xo, float[] w, int wo, int n, boolean scalar) {
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
        if (!scalar) {
            // every try's sums at once, then considered in the scalar loop's order
            vectorSums(x, xo, w, wo, n, max, 0);
            vectorSums(x, xo, w, wo, n, max, 1);
            int lanes = F.length();
            for (int t = 0; t <= 2 * ntry; t++) {
                for (int k = 0; k < 2; k++) {
                    int b = 4 * lanes * k + t;
                    sumqx = trySums[b];
                    sumq2 = trySums[b + lanes];
                    sumqxMinus = trySums[b + 2 * lanes];
                    sumq2Minus = trySums[b + 3 * lanes];
                    consider(k == 1);
                }
            }
        } else for (int itry = -ntry; itry <= ntry; itry++) {
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

    /**
     * {@link #sums} for every try of one level set at once, lane t for itry = t − ntry: the same
     * products and (fused or not) sums in the same element order as the scalar loop, and the
     * nearest level found by the same index-table steps ({@link NonLinearLevels#nearest}) with
     * gathers, so each lane holds the scalar sums bit for bit.
     */
    private void vectorSums(float[] x, int xo, float[] w, int wo, int n, float max, int set) {
        NonLinearLevels v = set == 0 ? normal : shifted;
        int lanes = F.length();
        for (int t = 0; t < lanes; t++) {
            int itry = Math.min(t, 2 * ntry) - ntry;
            tryIds[t] = (tryStep * itry + v.level(0)) / max;
        }
        float[] values = v.values();
        int[] table = v.indexTable();
        int limit = v.limit();
        int level0 = v.level(0);
        int count = values.length;
        FloatVector id = FloatVector.fromArray(F, tryIds, 0);
        FloatVector sqx = FloatVector.zero(F), sq2 = sqx, sqxm = sqx, sq2m = sqx;
        for (int j = 0; j < n; j++) {
            float xj = x[xo + j];
            float wj = w[wo + j];
            FloatVector al = id.mul(xj);
            for (int sign = 0; sign < 2; sign++) {
                FloatVector u = sign == 0 ? al : al.neg();
                // nearest(u): ix = (int) u − level0 (IQ6: (int) (u − value0)); below 0 → 0; from limit → count − 1; else the table
                IntVector ix = v.offsetInFloat()
                        ? (IntVector) u.sub(values[0]).convert(VectorOperators.F2I, 0)
                        : ((IntVector) u.convert(VectorOperators.F2I, 0)).sub(level0);
                VectorMask<Integer> below = ix.compare(VectorOperators.LT, 0);
                VectorMask<Integer> above = ix.compare(VectorOperators.GE, limit);
                ix.max(0).min(limit - 1).intoArray(gatherIndex, 0);
                IntVector t = IntVector.fromArray(I, table, 0, gatherIndex, 0);
                VectorMask<Integer> definite = t.compare(VectorOperators.LT, count);
                IntVector p = t.sub(count).max(0).min(count - 2);
                p.intoArray(gatherIndex, 0);
                FloatVector lo = FloatVector.fromArray(F, values, 0, gatherIndex, 0);
                FloatVector hi = FloatVector.fromArray(F, values, 1, gatherIndex, 0);
                VectorMask<Float> lower = u.sub(lo).compare(VectorOperators.LT, hi.sub(u));
                IntVector idx = p.add(1).blend(p, lower.cast(I)).blend(t, definite)
                        .blend(0, below).blend(count - 1, above);
                idx.intoArray(gatherIndex, 0);
                FloatVector q = FloatVector.fromArray(F, values, 0, gatherIndex, 0);
                FloatVector wq = q.mul(wj);
                if (sign == 0) {
                    if (fusedSums) {
                        sqx = wq.fma(FloatVector.broadcast(F, xj), sqx);
                        sq2 = wq.fma(q, sq2);
                    } else {
                        sqx = sqx.add(wq.mul(xj));
                        sq2 = sq2.add(wq.mul(q));
                    }
                } else {
                    if (fusedSums) {
                        sqxm = wq.fma(FloatVector.broadcast(F, xj), sqxm);
                        sq2m = wq.fma(q, sq2m);
                    } else {
                        sqxm = sqxm.add(wq.mul(xj));
                        sq2m = sq2m.add(wq.mul(q));
                    }
                }
            }
        }
        int b = 4 * lanes * set;
        sqx.intoArray(trySums, b);
        sq2.intoArray(trySums, b + lanes);
        sqxm.intoArray(trySums, b + 2 * lanes);
        sq2m.intoArray(trySums, b + 3 * lanes);
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
