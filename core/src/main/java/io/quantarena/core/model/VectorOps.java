package io.quantarena.core.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Small SIMD helpers on float arrays (Vector API). */
final class VectorOps {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int LANES = F.length();

    private VectorOps() {
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float sum = 0f;
        if (n >= LANES) {
            FloatVector acc = FloatVector.zero(F);
            int bound = F.loopBound(n);
            for (; i < bound; i += LANES) {
                acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    /** y[yo+i] += s·x[xo+i]. */
    static void axpy(float s, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        if (n >= LANES) {
            FloatVector sv = FloatVector.broadcast(F, s);
            int bound = F.loopBound(n);
            for (; i < bound; i += LANES) {
                FloatVector.fromArray(F, x, xo + i).fma(sv, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] += s * x[xo + i];
        }
    }

    /**
     * In-place softmax of {@code scale·x[0 … n)}: the maximum, the exponentials (vector exp) summed
     * in double, then one multiplication by the float reciprocal of the sum.
     */
    static void softmax(float[] x, int n, float scale) {
        int i = 0;
        int bound = F.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        if (bound > 0) {
            FloatVector sv = FloatVector.broadcast(F, scale);
            FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (; i < bound; i += LANES) {
                FloatVector v = FloatVector.fromArray(F, x, i).mul(sv);
                v.intoArray(x, i);
                mv = mv.max(v);
            }
            max = mv.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            x[i] *= scale;
            max = Math.max(max, x[i]);
        }
        double sum = 0;
        i = 0;
        if (bound > 0) {
            FloatVector mv = FloatVector.broadcast(F, max);
            for (; i < bound; i += LANES) {
                FloatVector e = FloatVector.fromArray(F, x, i).sub(mv).lanewise(VectorOperators.EXP);
                e.intoArray(x, i);
                sum += e.reduceLanes(VectorOperators.ADD);
            }
        }
        for (; i < n; i++) {
            float e = (float) Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        i = 0;
        if (bound > 0) {
            FloatVector iv = FloatVector.broadcast(F, inv);
            for (; i < bound; i += LANES) {
                FloatVector.fromArray(F, x, i).mul(iv).intoArray(x, i);
            }
        }
        for (; i < n; i++) {
            x[i] *= inv;
        }
    }
}
