package io.quantarena.core.kernel.cpu;

import io.quantarena.core.kernel.MatrixKernels;
import io.quantarena.core.kernel.QuantizedVector;
import io.quantarena.core.kernel.WeightMatrix;

import java.lang.foreign.MemorySegment;

/**
 * {@link MatrixKernels} on the CPU with the Vector API: rows are split into chunks that the
 * threads of a {@link KernelThreadPool} claim dynamically. Matrix-vector products prepare x once
 * in the format's {@link ActivationLayout} (kept for the next call if x is the same, e.g. the Q, K
 * and V projections of one token) and call the format's fused dot kernel on four rows a quarter of a
 * chunk apart: four memory streams per thread keep more cache-line fetches in flight than one, and
 * each x vector loaded serves four rows.
 * Matrix-matrix products decode tiles of {@link GemmTile#ROWS} rows × {@link #KC}
 * columns to float once and reuse them for every activation column in a register-blocked FMA
 * kernel. Scratch is per thread and grows only when a larger shape arrives.
 */
public final class CpuMatrixKernels implements MatrixKernels {

    /** Columns of one decoded weight tile (a multiple of every block size). */
    static final int KC = 256;
    /** Chunks per thread, so that a thread slowed by other load does not hold up the call. */
    private static final int CHUNKS_PER_THREAD = 8;

    private final KernelThreadPool pool;
    private final boolean ownsPool;
    private final float[][] tileScratch;
    private final float[][] rowScratch;
    /** Per-thread results of matrix-vector chunks before they are published (index = worker). */
    private final float[][] privateRows;
    private final MatMulTask matMulTask = new MatMulTask();
    private final MatVecsTask matVecsTask = new MatVecsTask();
    /** One copy of each activation of {@link #matVecs}, and its preparation in the kernel's layout. */
    private float[][] vectorCopies = new float[0][];
    private PreparedActivation[] preparedVectors = new PreparedActivation[0];
    /** The last activation prepared per layout (reused when the next call passes the same x). */
    private final java.util.Map<ActivationLayout, PreparedActivation> prepared = new java.util.HashMap<>();
    private float[] dequantizedActivation = new float[0];

    public CpuMatrixKernels(int threads) {
        this(new KernelThreadPool(threads), true);
    }

    /**
     * Kernels running on a pool shared with other work (e.g. a model runtime's attention), so that
     * only one set of worker threads waits for work; the pool is not closed by {@link #close()}.
     */
    public CpuMatrixKernels(KernelThreadPool pool) {
        this(pool, false);
    }

    private CpuMatrixKernels(KernelThreadPool pool, boolean ownsPool) {
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.tileScratch = new float[pool.threads()][KC * GemmTile.ROWS];
        this.rowScratch = new float[pool.threads()][KC];
        this.privateRows = new float[pool.threads()][0];
    }

    /** A backend using all available processors. */
    public static CpuMatrixKernels withAvailableProcessors() {
        return new CpuMatrixKernels(Runtime.getRuntime().availableProcessors());
    }

    @Override
    public int threads() {
        return pool.threads();
    }

    private static void checkRange(WeightMatrix w, long rowFrom, long rowTo) {
        if (rowFrom < 0 || rowTo < rowFrom || rowTo > w.rows()) {
            throw new IndexOutOfBoundsException("row range [" + rowFrom + ", " + rowTo + ") outside [0, "
                    + w.rows() + ") of a " + w.type().typeName() + " matrix");
        }
    }

    private static void checkLength(String what, float[] a, long need) {
        if (a.length < need) {
            throw new IllegalArgumentException(what + " has " + a.length + " floats, expected at least " + need);
        }
    }

    @Override
    public synchronized void matVec(WeightMatrix w, float[] x, float[] y, long rowFrom, long rowTo) {
        checkRange(w, rowFrom, rowTo);
        int cols = w.columns();
        checkLength("activation x", x, cols);
        checkLength("output y", y, rowTo - rowFrom);
        RowKernel kernel = RowKernels.forType(w.type());
        PreparedActivation px = prepared(kernel, x, cols);
        long rows = rowTo - rowFrom;
        // a multiple of four rows per chunk, so that every chunk splits into four streams
        long perChunk = (rows + (long) threads() * CHUNKS_PER_THREAD - 1) / ((long) threads() * CHUNKS_PER_THREAD);
        int chunkRows = (int) Math.max(16, (perChunk + 3) & ~3L);
        int chunks = (int) ((rows + chunkRows - 1) / chunkRows);
        // a new task per call: a worker that was overtaken may still be reading an older one
        pool.runRevocable(chunks, new MatVecTask(kernel, w.data(), w.rowBytes(), px, y, rowFrom, rowTo,
                chunkRows, privateRows));
    }

    /** x in the kernel's layout: the cached preparation when it holds the same x, else a fresh one. */
    private PreparedActivation prepared(RowKernel kernel, float[] x, int n) {
        ActivationLayout layout = kernel.layout();
        PreparedActivation p = prepared.computeIfAbsent(layout, l -> new PreparedActivation());
        if (!p.holds(layout, x, n)) {
            kernel.prepare(x, n, p);
        }
        return p;
    }

    @Override
    public synchronized void matVec(WeightMatrix w, QuantizedVector x, float[] y, long rowFrom, long rowTo) {
        ActivationQuantizer.checkActivation(x, w.cols());
        // The Vector API has no int8 multiply-add-pairs (pmaddubsw / VNNI), so int8 activations do
        // not beat float ones here: widen once (n values) and run the float kernels on d·q.
        if (dequantizedActivation.length < x.n()) {
            dequantizedActivation = new float[x.n()];
        }
        ActivationQuantizer.dequantize(x, 0, dequantizedActivation);
        matVec(w, dequantizedActivation, y, rowFrom, rowTo);
    }

    /**
     * Each row's bytes are read from memory once and dotted with every activation while they are in
     * cache; each product is the format's fused dot kernel, exactly as in {@link #matVec}.
     */
    @Override
    public synchronized void matVecs(WeightMatrix w, float[] x, int n, float[] y) {
        long rows = w.rows();
        int cols = w.columns();
        checkLength("activations x", x, (long) n * cols);
        checkLength("output y", y, n * rows);
        if (n == 0 || rows == 0) {
            return;
        }
        RowKernel kernel = RowKernels.forType(w.type());
        // kernels read an activation from index 0 in their own layout: a copy per activation, prepared
        if (vectorCopies.length < n || vectorCopies[0].length < cols) {
            vectorCopies = new float[n][Math.max(cols, vectorCopies.length == 0 ? 0 : vectorCopies[0].length)];
        }
        if (preparedVectors.length < n) {
            PreparedActivation[] grown = java.util.Arrays.copyOf(preparedVectors, n);
            for (int j = preparedVectors.length; j < n; j++) {
                grown[j] = new PreparedActivation();
            }
            preparedVectors = grown;
        }
        for (int j = 0; j < n; j++) {
            System.arraycopy(x, j * cols, vectorCopies[j], 0, cols);
            kernel.prepare(vectorCopies[j], cols, preparedVectors[j]);
        }
        MatVecsTask t = matVecsTask;
        t.kernel = kernel;
        t.data = w.data();
        t.rowBytes = w.rowBytes();
        t.cols = cols;
        t.xs = preparedVectors;
        t.n = n;
        t.y = y;
        t.rows = rows;
        t.chunkRows = Math.max(16, (rows + (long) threads() * CHUNKS_PER_THREAD - 1) / ((long) threads() * CHUNKS_PER_THREAD));
        pool.run((int) ((rows + t.chunkRows - 1) / t.chunkRows), t);
        t.y = null;
    }

    @Override
    public void quantizeActivations(float[] x, QuantizedVector dst) {
        ActivationQuantizer.quantize(x, dst);
    }

    @Override
    public synchronized void matMul(WeightMatrix w, float[] x, int n, float[] y, long rowFrom, long rowTo) {
        checkRange(w, rowFrom, rowTo);
        int cols = w.columns();
        long m = rowTo - rowFrom;
        checkLength("activations x", x, (long) n * cols);
        checkLength("output y", y, n * m);
        if (n == 0 || m == 0) {
            return;
        }
        MatMulTask t = matMulTask;
        t.kernel = RowKernels.forType(w.type());
        t.data = w.data();
        t.rowBytes = w.rowBytes();
        t.cols = cols;
        t.x = x;
        t.n = n;
        t.y = y;
        t.rowFrom = rowFrom;
        t.m = (int) m;
        long tiles = (m + GemmTile.ROWS - 1) / GemmTile.ROWS;
        long tilesPerChunk = Math.max(1, (tiles + (long) threads() * CHUNKS_PER_THREAD - 1) / ((long) threads() * CHUNKS_PER_THREAD));
        t.chunkRows = (int) (tilesPerChunk * GemmTile.ROWS);
        pool.run((int) ((m + t.chunkRows - 1) / t.chunkRows), t);
        t.x = null;
        t.y = null;
    }

    @Override
    public void close() {
        if (ownsPool) {
            pool.close();
        }
    }

    /** Rows [r0, r1) dotted with x into out[o ..]: fours a quarter of the range apart, then the remaining rows. */
    private static void dotRows(RowKernel k, MemorySegment data, long rowBytes, PreparedActivation x, long r0, long r1,
                                float[] out, int o) {
        int n = (int) (r1 - r0);
        int quarter = n / 4;
        for (int i = 0; i < quarter; i++) {
            k.dot4(data, (r0 + i) * rowBytes, quarter * rowBytes, x, out, o + i, quarter);
        }
        for (int i = 4 * quarter; i < n; i++) {
            out[o + i] = k.dot(data, (r0 + i) * rowBytes, x);
        }
    }

    /**
     * Rows of y in chunks; workers compute into their private rows and publish (see
     * {@link KernelThreadPool#runRevocable}). A chunk's rows are taken in fours (r + k·quarter).
     */
    private record MatVecTask(RowKernel kernel, MemorySegment data, long rowBytes, PreparedActivation x,
                              float[] y, long rowFrom, long rowTo, int chunkRows, float[][] privateRows)
            implements KernelThreadPool.RevocableChunkTask {

        @Override
        public void run(int chunk) {
            long r0 = rowFrom + (long) chunk * chunkRows;
            long r1 = Math.min(rowTo, r0 + chunkRows);
            rows(r0, r1, y, (int) (r0 - rowFrom));
        }

        @Override
        public void runPrivately(int worker, int chunk) {
            long r0 = rowFrom + (long) chunk * chunkRows;
            long r1 = Math.min(rowTo, r0 + chunkRows);
            float[] out = privateRows[worker];
            if (out.length < chunkRows) {
                out = new float[chunkRows];
                privateRows[worker] = out;
            }
            rows(r0, r1, out, 0);
        }

        private void rows(long r0, long r1, float[] out, int o) {
            dotRows(kernel, data, rowBytes, x, r0, r1, out, o);
        }

        @Override
        public void publish(int worker, int chunk) {
            long r0 = rowFrom + (long) chunk * chunkRows;
            int n = (int) (Math.min(rowTo, r0 + chunkRows) - r0);
            System.arraycopy(privateRows[worker], 0, y, (int) (r0 - rowFrom), n);
        }
    }

    private static final class MatVecsTask implements KernelThreadPool.ChunkTask {
        RowKernel kernel;
        MemorySegment data;
        long rowBytes;
        int cols;
        PreparedActivation[] xs;
        int n;
        float[] y;
        long rows;
        long chunkRows;

        @Override
        public void run(int worker, int chunk) {
            long r0 = chunk * chunkRows;
            long r1 = Math.min(rows, r0 + chunkRows);
            int m = (int) rows;
            // the chunk's rows come from memory for the first activation and from cache for the others;
            // the same grouped dots as matVec, so each activation gets matVec's numbers
            for (int j = 0; j < n; j++) {
                dotRows(kernel, data, rowBytes, xs[j], r0, r1, y, j * m + (int) r0);
            }
        }
    }

    private final class MatMulTask implements KernelThreadPool.ChunkTask {
        RowKernel kernel;
        MemorySegment data;
        long rowBytes;
        int cols;
        float[] x;
        int n;
        float[] y;
        long rowFrom;
        int m;
        int chunkRows;

        @Override
        public void run(int worker, int chunk) {
            float[] wt = tileScratch[worker];
            float[] row = rowScratch[worker];
            int i0 = chunk * chunkRows;
            int i1 = Math.min(m, i0 + chunkRows);
            for (int kb = 0; kb < cols; kb += KC) {
                int kLen = Math.min(KC, cols - kb);
                for (int t0 = i0; t0 < i1; t0 += GemmTile.ROWS) {
                    int valid = Math.min(GemmTile.ROWS, i1 - t0);
                    decodeTransposed(t0, valid, kb, kLen, wt, row);
                    GemmTile.multiply(wt, kLen, x, kb, cols, n, y, t0, m, valid, kb > 0);
                }
            }
        }

        /** Decodes rows t0..t0+valid, columns kb..kb+kLen into wt[k*ROWS + i], zero-padding missing rows. */
        private void decodeTransposed(int t0, int valid, int kb, int kLen, float[] wt, float[] row) {
            final int stride = GemmTile.ROWS;
            for (int i = 0; i < valid; i++) {
                kernel.dequantize(data, (rowFrom + t0 + i) * rowBytes, kb, row, 0, kLen);
                for (int k = 0, o = i; k < kLen; k++, o += stride) {
                    wt[o] = row[k];
                }
            }
            if (valid < stride) {
                for (int k = 0; k < kLen; k++) {
                    java.util.Arrays.fill(wt, k * stride + valid, (k + 1) * stride, 0f);
                }
            }
        }
    }
}
