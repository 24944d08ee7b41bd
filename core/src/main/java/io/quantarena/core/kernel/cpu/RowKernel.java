package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Vectorized decoding and dot products for the rows of one weight format. One implementation per
 * format; {@link RowKernels} looks them up. Column ranges are in elements and must be aligned to
 * the format's block size.
 *
 * <p>Dot products read the activation in the order that suits the format's bit layout (see
 * {@link ActivationLayout}): a matrix-vector product {@linkplain #prepare prepares} x once and
 * then calls {@link #dot4} for groups of four rows.
 */
public interface RowKernel {

    GgmlType type();

    /**
     * Decodes elements {@code [col, col+n)} of the row that starts at {@code rowOffset} (at its
     * row meta bytes, if any) into {@code dst[dstOffset .. dstOffset+n)}.
     */
    void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n);

    /** The element order and group sums that {@link #dot} and {@link #dot4} read. */
    ActivationLayout layout();

    /** {@code x[0..n)} in this kernel's layout, written into {@code into} (reused when it is large enough). */
    default PreparedActivation prepare(float[] x, int n, PreparedActivation into) {
        layout().prepare(x, n, into);
        return into;
    }

    /** {@code Σ_i row[i]·x[i]} over the {@code x.n()} elements of {@code x}, which must be in {@link #layout()}. */
    float dot(MemorySegment w, long rowOffset, PreparedActivation x);

    /**
     * The dot products of four rows with the same activation: rows {@code row0 + k·rowDistance}
     * into {@code y[y0 + k·yDistance]}, k = 0..3. Kernels that interleave the rows read x once for
     * all four and keep four memory streams in flight; a row's result is the same bits whichever
     * way it is computed (alone or with any other rows).
     */
    default void dot4(MemorySegment w, long row0, long rowDistance, PreparedActivation x, float[] y, int y0, int yDistance) {
        for (int k = 0; k < 4; k++) {
            y[y0 + k * yDistance] = dot(w, row0 + k * rowDistance, x);
        }
    }

    /** One row's dot product with {@code x[0..n)} in natural order (prepares x: for tests and single rows). */
    default float dot(MemorySegment w, long rowOffset, float[] x, int n) {
        return dot(w, rowOffset, prepare(x, n, new PreparedActivation()));
    }
}
