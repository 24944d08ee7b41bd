package io.quantarena.core.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Small SIMD helpers on float arrays (Vector API). Lane sums are taken in a fixed order
 * ({@link #sumLanes}) because {@code reduceLanes(ADD)} may add in a different order once
 * compiled, which would make results depend on JIT state.
 */
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
            sum = sumLanes(acc);
        }
        for (; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    /** Σ lanes, left to right. */
    static float sumLanes(FloatVector v) {
        float[] lanes = new float[LANES];
        v.intoArray(lanes, 0);
        float s = 0f;
        for (float l : lanes) {
            s += l;
        }
        return s;
    }

    /**
     * out[oo+d] = Σ_j a[j]·v[(vo + j·stride) + d] for d &lt; len: a weighted sum of rows, vectorised
     * over d with per-lane accumulators (no cross-lane reduction).
     */
    static void weightedRowSum(float[] a, int n, float[] v, int vo, int stride, float[] out, int oo, int len) {
        int d = 0;
        for (int bound = F.loopBound(len); d < bound; d += LANES) {
            FloatVector acc = FloatVector.zero(F);
            for (int j = 0; j < n; j++) {
                acc = FloatVector.fromArray(F, v, vo + j * stride + d).fma(FloatVector.broadcast(F, a[j]), acc);
            }
            acc.intoArray(out, oo + d);
        }
        for (; d < len; d++) {
            float s = 0f;
            for (int j = 0; j < n; j++) {
                s = Math.fma(v[vo + j * stride + d], a[j], s);
            }
            out[oo + d] = s;
        }
    }

    /**
     * gate[go+i] = silu(gate[go+i])·up[uo+i] with the operations of {@link TensorMath#silu} lane by
     * lane (vector {@link FastExp#exp} equals the scalar one), so the result is bit-identical to
     * {@link TensorMath#swiglu}; the scalar loop cost a tenth of a forward pass.
     */
    static void swiglu(float[] gate, int go, float[] up, int uo, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            FloatVector g = FloatVector.fromArray(F, gate, go + i);
            FloatVector e = FastExp.exp(g.neg());
            g.div(e.add(1f)).mul(FloatVector.fromArray(F, up, uo + i)).intoArray(gate, go + i);
        }
        for (; i < n; i++) {
            gate[go + i] = TensorMath.silu(gate[go + i]) * up[uo + i];
        }
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
            FloatVector acc = FloatVector.zero(F);
            for (; i < bound; i += LANES) {
                FloatVector e = FastExp.exp(FloatVector.fromArray(F, x, i).sub(mv));
                e.intoArray(x, i);
                acc = acc.add(e);
            }
            sum = sumLanes(acc);
        }
        for (; i < n; i++) {
            float e = FastExp.exp(x[i] - max);
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
