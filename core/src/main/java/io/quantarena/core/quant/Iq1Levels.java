package io.quantarena.core.quant;

/**
 * The shifted 1-bit levels shared by IQ1_S and IQ1_M (spec/quant-types.md §8.7, §8.8): lattice
 * codes 0, 1, 2 stand for −1, 0, +1, and every group adds a shift δ = ±0.125 ({@code IQ1S_DELTA}).
 */
final class Iq1Levels {

    static final float DELTA = 0.125f;
    /** Values of codes 0, 1, 2 with a positive shift. */
    static final float[] X_P = {-1 + DELTA, DELTA, 1 + DELTA};
    /** Values of codes 0, 1, 2 with a negative shift. */
    static final float[] X_M = {-1 - DELTA, -DELTA, 1 - DELTA};

    private Iq1Levels() {
    }

    /** Σ_c s_c·v[c] for the three code regions of a split, left to right (the split's Σ w·q·x). */
    static float splitSum(float s0, float s1, float s2, float[] v) {
        return s0 * v[0] + s1 * v[1] + s2 * v[2];
    }

    /** Σ_c s_c·v[c]·v[c] for the three code regions of a split (the split's Σ w·q²). */
    static float splitSumOfSquares(float s0, float s1, float s2, float[] v) {
        return s0 * v[0] * v[0] + s1 * v[1] * v[1] + s2 * v[2] * v[2];
    }
}
