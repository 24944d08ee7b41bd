package io.quantarena.core.kernel;

/**
 * Matrix products between quantized weight rows and activations: the seam between the model
 * runtime and a compute backend (Vector API on the CPU now, CUDA later). Implementations own
 * their threads and scratch; calls on one instance must not overlap.
 *
 * <p>Layouts: activations {@code x} are {@code n} rows of {@code cols} floats back to back; outputs
 * {@code y} are {@code n} rows of (selected) weight-row results back to back, so
 * {@code y[j*m + i] = dot(weight row rowFrom+i, x row j)} with {@code m = rowTo - rowFrom}.
 */
public interface MatrixKernels extends AutoCloseable {

    /** {@code y[r] = dot(w row r, x)} for all rows. */
    default void matVec(WeightMatrix w, float[] x, float[] y) {
        matVec(w, x, y, 0, w.rows());
    }

    /** {@code y[r - rowFrom] = dot(w row r, x)} for rows {@code [rowFrom, rowTo)}. */
    void matVec(WeightMatrix w, float[] x, float[] y, long rowFrom, long rowTo);

    /** Like {@link #matVec(WeightMatrix, float[], float[], long, long)} with 8-bit quantized activations. */
    void matVec(WeightMatrix w, QuantizedVector x, float[] y, long rowFrom, long rowTo);

    /** {@code y[j*rows + r] = dot(w row r, x row j)} for {@code n} activation rows. */
    default void matMul(WeightMatrix w, float[] x, int n, float[] y) {
        matMul(w, x, n, y, 0, w.rows());
    }

    /** {@code y[j*m + (r - rowFrom)] = dot(w row r, x row j)}, {@code m = rowTo - rowFrom}. */
    void matMul(WeightMatrix w, float[] x, int n, float[] y, long rowFrom, long rowTo);

    /** Quantizes {@code dst.count()} activation rows of {@code dst.n()} floats from {@code x} into {@code dst}. */
    void quantizeActivations(float[] x, QuantizedVector dst);

    /** Worker threads used per call (1 = the calling thread only). */
    int threads();

    @Override
    void close();
}
