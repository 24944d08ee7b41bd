package io.quantarena.core.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * expf from basic IEEE operations only (range reduction by ln 2 and a degree-6 polynomial, about
 * 1 ulp), in scalar and vector form. Unlike {@link Math#exp} (an intrinsic once compiled, a
 * different routine before) its results do not depend on JIT state, so a forward pass is
 * bit-reproducible within and across runs.
 */
public final class FastExp {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Above this the result would overflow the exponent; clamped (only reached by silu of large negative inputs). */
    private static final float MAX_X = 88.3762626647949f;
    /** Below this expf is subnormal; returned as 0. */
    private static final float MIN_X = -87.3365447505531f;
    private static final float RNE = 12582912f;
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    private FastExp() {
    }

    public static float exp(float x) {
        if (x < MIN_X) {
            return 0f;
        }
        if (x != x) {
            return x;
        }
        x = Math.min(x, MAX_X);
        float n = (x * LOG2E + RNE) - RNE;
        float r = Math.fma(-n, LN2_HI, x);
        r = Math.fma(-n, LN2_LO, r);
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float e = Math.fma(p, r * r, r) + 1f;
        return e * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /** exp of every lane, the same operations as {@link #exp(float)}. */
    public static FloatVector exp(FloatVector x) {
        var tiny = x.compare(VectorOperators.LT, MIN_X);
        x = x.max(MIN_X).min(MAX_X);
        FloatVector n = x.mul(LOG2E).add(RNE).sub(RNE);
        FloatVector negN = n.neg();
        FloatVector r = negN.fma(FloatVector.broadcast(F, LN2_HI), x);
        r = negN.fma(FloatVector.broadcast(F, LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, P0).fma(r, FloatVector.broadcast(F, P1));
        p = p.fma(r, FloatVector.broadcast(F, P2));
        p = p.fma(r, FloatVector.broadcast(F, P3));
        p = p.fma(r, FloatVector.broadcast(F, P4));
        p = p.fma(r, FloatVector.broadcast(F, P5));
        FloatVector e = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector scale = (FloatVector) bits.reinterpretAsFloats();
        return e.mul(scale).blend(0f, tiny);
    }
}
