package io.quantarena.core.kernel.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ2_XXS dot product on 512-bit vectors (spec §8.2: fp16 d, then per 32-sub-block a word of four
 * grid indices and a word of four 7-bit sign indices plus the scale s; y = d·(0.5 + s)/4·±grid).
 *
 * <p>The 256 grid entries are kept as floats, each padded so that one 512-bit load starting at
 * entry a has it in lanes 0..7 and one ending at entry b has it in lanes 8..15: a blend of the two
 * loads is the 16 magnitudes of two groups. Their signs come from a table of 16-bit negation masks
 * indexed by two sign indexes at once, applied as a masked sign-bit flip. x is in natural order. The
 * four rows of a block are done one after the other.
 */
final class IQ2_XXSWideRowKernel extends WideRowKernel {

    private static final int BYTES = 66;
    /** Entry k's eight magnitudes at 8 + 8k, with eight zeros before the first and after the last entry. */
    private static final float[] GRID = new float[8 + 8 * 256 + 8];
    /** Two 7-bit sign indexes (bits 0..6 and 7..13) → the 16-bit negation mask of their two groups. */
    private static final short[] SIGN_PAIRS = new short[1 << 14];
    private static final int SIGN_BIT = 0x80000000;
    /** Lanes 8..15. */
    private static final VectorMask<Float> UPPER = VectorMask.fromLong(F16, 0xFF00);

    static {
        long[] grid = LatticeGridWords.IQ2XXS;
        for (int k = 0; k < 256; k++) {
            for (int j = 0; j < 8; j++) {
                GRID[8 + 8 * k + j] = (grid[k] >>> (8 * j)) & 0xFF;
            }
        }
        for (int p = 0; p < 1 << 14; p++) {
            SIGN_PAIRS[p] = (short) (LatticeGridWords.SIGNS[p & 127] | LatticeGridWords.SIGNS[p >>> 7] << 8);
        }
    }

    IQ2_XXSWideRowKernel() {
        super(new IQ2_XXSRowKernel());
    }

    @Override
    public ActivationLayout layout() {
        return ActivationLayout.NATURAL;
    }

    @Override
    public void dot4(MemorySegment w, long row0, long dist, PreparedActivation px, float[] y, int y0, int yd) {
        px.check(ActivationLayout.NATURAL);
        float[] x = px.values();
        int n = px.n();
        // per row r: the accumulator at 16r (the rows of a block are done one after the other)
        float[] accs = scratch(64);
        for (long q0 = row0, xb = 0; xb < n; xb += 256, q0 += BYTES) {
            for (int r = 0; r < 4; r++) {
                long q = q0 + r * dist;
                float d = 0.25f * Float.float16ToFloat(w.get(LE_SHORT, q));
                FloatVector acc = FloatVector.fromArray(F16, accs, 16 * r);
                for (int ib = 0; ib < 8; ib++) {
                    long word = w.get(LE_LONG, q + 2 + 8 * ib);
                    int grids = (int) word, bits = (int) (word >>> 32);
                    int xo = (int) xb + 32 * ib;
                    FloatVector g0 = FloatVector.fromArray(F16, GRID, 8 + 8 * (grids & 0xFF))
                            .blend(FloatVector.fromArray(F16, GRID, 8 * ((grids >>> 8) & 0xFF)), UPPER)
                            .reinterpretAsInts().lanewise(VectorOperators.XOR, SIGN_BIT,
                                    VectorMask.fromLong(I16, SIGN_PAIRS[bits & 0x3FFF])).reinterpretAsFloats();
                    FloatVector g1 = FloatVector.fromArray(F16, GRID, 8 + 8 * ((grids >>> 16) & 0xFF))
                            .blend(FloatVector.fromArray(F16, GRID, 8 * (grids >>> 24)), UPPER)
                            .reinterpretAsInts().lanewise(VectorOperators.XOR, SIGN_BIT,
                                    VectorMask.fromLong(I16, SIGN_PAIRS[(bits >>> 14) & 0x3FFF])).reinterpretAsFloats();
                    FloatVector s = g0.mul(FloatVector.fromArray(F16, x, xo)).add(g1.mul(FloatVector.fromArray(F16, x, xo + 16)));
                    acc = s.fma(FloatVector.broadcast(F16, LatticeGridWords.HALF_STEPS[bits >>> 28] * d), acc);
                }
                acc.intoArray(accs, 16 * r);
            }
        }
        // lane sums written out: a helper taking a vector might not be inlined (and would box it)
        for (int r = 0; r < 4; r++) {
            FloatVector acc = FloatVector.fromArray(F16, accs, 16 * r);
            acc = acc.add(acc.rearrange(X16_8));
            acc = acc.add(acc.rearrange(X16_4));
            acc = acc.add(acc.rearrange(X16_2));
            y[y0 + r * yd] = acc.add(acc.rearrange(X16_1)).lane(0);
        }
    }
}
