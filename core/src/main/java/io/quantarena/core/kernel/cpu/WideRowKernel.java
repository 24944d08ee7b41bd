package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A dot-product kernel written for 512-bit vectors (16 float lanes, AVX-512): it reads 64 weight
 * bytes as one vector of int lanes and x in a permuted {@link ActivationLayout}, and interleaves
 * four rows. Decoding (dequantize) and the type come from the format's portable kernel, which
 * {@link RowKernels} also uses instead of this one where vectors are narrower.
 *
 * <p>When writing one, check the JIT's log ({@code -XX:+PrintCompilation}) for a tier-4 compile of
 * its {@code dot4}: a body with more live vectors than the current ones made C1 give up ("out of
 * virtual registers", tier 3), after which the method was never promoted to C2 and ran interpreted
 * vector code at a few MB/s.
 */
abstract class WideRowKernel implements RowKernel {

    /** Floats of per-thread scratch a {@link #dot4} may use (the largest need: IQ5_K's 192). */
    static final int SCRATCH_FLOATS = 256;
    /**
     * Per-thread scratch for the per-row scale and accumulator vectors of {@link #dot4}: allocated per
     * call it cost about 70 MB of garbage per generated token of a 1B model (its zeroing streamed through
     * the caches next to the weights, and a young collection every few tokens). A dot4 never calls
     * another, so one array per thread suffices.
     */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[SCRATCH_FLOATS]);

    private final NaturalOrderRowKernel portable;

    /** This thread's scratch with its first {@code zeroed} floats set to 0 (returns an array, not a vector: safe to call un-inlined). */
    static float[] scratch(int zeroed) {
        float[] s = SCRATCH.get();
        Arrays.fill(s, 0, zeroed, 0f);
        return s;
    }

    WideRowKernel(NaturalOrderRowKernel portable) {
        this.portable = portable;
    }

    @Override
    public final GgmlType type() {
        return portable.type();
    }

    @Override
    public final void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        portable.dequantize(w, rowOffset, col, dst, dstOffset, n);
    }

    /**
     * One row: the four-row kernel on the row four times (single rows are rare: the last rows of a
     * matrix whose row count is not a multiple of four).
     */
    @Override
    public final float dot(MemorySegment w, long rowOffset, PreparedActivation x) {
        float[] y = new float[1];
        dot4(w, rowOffset, 0, x, y, 0, 0);
        return y[0];
    }

    @Override
    public abstract void dot4(MemorySegment w, long row0, long rowDistance, PreparedActivation x, float[] y, int y0,
                              int yDistance);
}
