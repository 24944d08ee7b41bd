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

    /**
     * {@code n} independent matrix-vector products sharing one pass over the weights (the decode step
     * of several sequences): {@code y[j*rows + r] = dot(w row r, x row j)}, each row of {@code y}
     * bit-identical to {@link #matVec(WeightMatrix, float[], float[])} of that activation alone, so that
     * batching sequences does not change any sequence's result. This default runs the products one by one.
     */
    default void matVecs(WeightMatrix w, float[] x, int n, float[] y) {
        int cols = w.columns();
        int rows = Math.toIntExact(w.rows());
        float[] xj = new float[cols];
        float[] yj = new float[rows];
        for (int j = 0; j < n; j++) {
            System.arraycopy(x, j * cols, xj, 0, cols);
            matVec(w, xj, yj);
            System.arraycopy(yj, 0, y, j * rows, rows);
        }
    }

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
