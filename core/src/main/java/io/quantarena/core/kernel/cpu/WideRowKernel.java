package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * A dot-product kernel written for 512-bit vectors (16 float lanes, AVX-512): it reads 64 weight
 * bytes as one vector of int lanes and x in a permuted {@link ActivationLayout}, and interleaves
 * four rows. Decoding (dequantize) and the type come from the format's portable kernel, which
 * {@link RowKernels} also uses instead of this one where vectors are narrower.
 */
abstract class WideRowKernel implements RowKernel {

    private final NaturalOrderRowKernel portable;

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
