package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Vectorized decoding and dot products for the rows of one weight format. One implementation per
 * format; {@link RowKernels} looks them up. Column ranges are in elements and must be aligned to
 * the format's block size.
 */
public interface RowKernel {

    GgmlType type();

    /**
     * Decodes elements {@code [col, col+n)} of the row that starts at {@code rowOffset} (at its
     * row meta bytes, if any) into {@code dst[dstOffset .. dstOffset+n)}.
     */
    void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n);

    /**
     * {@code Σ_i row[i]·x[i]} over the first {@code n} elements. {@code xSums16[g]} must hold
     * {@code Σ x[16g .. 16g+16)} for formats whose blocks carry an additive minimum
     * ({@link #needsGroupSums()}); other formats ignore it.
     */
    float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n);

    /** Whether {@link #dot} reads {@code xSums16}. */
    default boolean needsGroupSums() {
        return false;
    }
}
