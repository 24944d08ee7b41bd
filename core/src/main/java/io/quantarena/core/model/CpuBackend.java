package io.quantarena.core.model;

import io.quantarena.core.kernel.MatrixKernels;
import io.quantarena.core.kernel.WeightMatrix;
import io.quantarena.core.kernel.cpu.CpuMatrixKernels;
import io.quantarena.core.kernel.cpu.RowKernel;
import io.quantarena.core.kernel.cpu.RowKernels;

/**
 * The forward-pass operations on the CPU: weight products through {@link MatrixKernels} (Vector
 * API), attention over a {@link WorkerPool}, the small element-wise steps on the calling thread.
 */
public final class CpuBackend implements Backend {

    /** Below this many multiply-adds attention runs on the calling thread (waking workers costs more). */
    private static final long PARALLEL_ATTENTION_WORK = 1 << 16;
    /** Query tokens per attention task. */
    private static final int ATTN_TOKEN_TILE = 16;

    private final MatrixKernels kernels;
    private final WorkerPool pool;
    private final ThreadLocal<float[]> scoreBuffer = ThreadLocal.withInitial(() -> new float[0]);
    private float[] keys = new float[0];
    private float[] keysT = new float[0];
    private float[] values = new float[0];
    private float[] valuesT = new float[0];

    public CpuBackend(int threads) {
        this.kernels = new CpuMatrixKernels(threads);
        this.pool = new WorkerPool(threads);
    }

    @Override
    public String description() {
        return "CPU, " + pool.threads() + " threads";
    }

    public int threads() {
        return pool.threads();
    }

    @Override
    public void matMul(Weight w, float[] x, int n, float[] y) {
        WeightMatrix m = new WeightMatrix(w.type(), w.data(), w.rows(), w.cols());
        if (n == 1) {
            kernels.matVec(m, x, y);
        } else {
            kernels.matMul(m, x, n, y);
        }
    }

    @Override
    public void getRows(Weight table, int[] ids, int n, float[] out) {
        RowKernel kernel = RowKernels.forType(table.type());
        int cols = table.cols();
        for (int i = 0; i < n; i++) {
            int id = ids[i];
            if (id < 0 || id >= table.rows()) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + table.rows()
                        + " rows of " + table.name());
            }
            kernel.dequantize(table.data(), id * table.rowBytes(), 0, out, i * cols, cols);
        }
    }

    @Override
    public void rmsNorm(float[] x, int n, int dim, float[] weight, float eps, float[] y) {
        for (int t = 0; t < n; t++) {
            TensorMath.rmsNorm(x, t * dim, dim, weight, eps, y, t * dim);
        }
    }

    @Override
    public void rope(float[] x, int n, int nHeads, int headDim, int[] positions, RopeConfig rope) {
        float[] cs = new float[headDim];
        for (int t = 0; t < n; t++) {
            TensorMath.ropeAngles(positions[t], headDim, rope.freqBase(), rope.freqScale(), rope.freqFactors(), cs);
            TensorMath.applyRope(x, t * nHeads * headDim, nHeads, headDim, cs);
        }
    }

    @Override
    public void swiglu(float[] gate, float[] up, int len) {
        TensorMath.swiglu(gate, 0, up, 0, len);
    }

    @Override
    public void attention(float[] q, int n, int[] positions, KvCache cache, int layer, int nKv, AttentionConfig cfg,
                          float[] out) {
        int hd = cfg.headDim();
        int kvDim = cfg.nHeadKv() * hd;
        int qDim = cfg.nHead() * hd;
        int group = cfg.nHead() / cfg.nHeadKv();
        if (keys.length < nKv * kvDim) {
            keys = new float[nKv * kvDim];
            keysT = new float[nKv * kvDim];
            values = new float[nKv * kvDim];
            valuesT = new float[nKv * kvDim];
        }
        cache.readKeys(layer, 0, nKv, keys);
        cache.readValues(layer, 0, nKv, values);
        // keys and values transposed ([kvh·headDim + d][cell]) so that both products vectorise over cells
        transpose(keys, nKv, kvDim, keysT);
        transpose(values, nKv, kvDim, valuesT);
        float[] kT = keysT;
        float[] vT = valuesT;
        int tokenTiles = (n + ATTN_TOKEN_TILE - 1) / ATTN_TOKEN_TILE;
        long work = (long) n * cfg.nHead() * hd * Math.max(1, nKv / 2);
        java.util.function.IntConsumer body = task -> {
            int h = task / tokenTiles;
            int t0 = (task % tokenTiles) * ATTN_TOKEN_TILE;
            int t1 = Math.min(n, t0 + ATTN_TOKEN_TILE);
            int kvh = h / group;
            float[] s = buffer(scoreBuffer, nKv);
            for (int t = t0; t < t1; t++) {
                int p = positions[t];
                if (p >= nKv) {
                    throw new IllegalStateException("query position " + p + " has no KV cell (cache holds " + nKv + ")");
                }
                int lo = cfg.chunk() > 0 ? (p / cfg.chunk()) * cfg.chunk() : 0;
                int len = p - lo + 1;
                int qo = t * qDim + h * hd;
                java.util.Arrays.fill(s, 0, len, 0f);
                for (int d = 0; d < hd; d++) {
                    VectorOps.axpy(q[qo + d], kT, (kvh * hd + d) * nKv + lo, s, 0, len);
                }
                VectorOps.softmax(s, len, cfg.scale());
                int oo = t * qDim + h * hd;
                for (int d = 0; d < hd; d++) {
                    out[oo + d] = VectorOps.dot(s, 0, vT, (kvh * hd + d) * nKv + lo, len);
                }
            }
        };
        int tasks = cfg.nHead() * tokenTiles;
        if (work < PARALLEL_ATTENTION_WORK) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
        } else {
            pool.run(tasks, body);
        }
    }

    /** dst[c·rows + r] = src[r·cols + c]. */
    private static void transpose(float[] src, int rows, int cols, float[] dst) {
        for (int r = 0; r < rows; r++) {
            int so = r * cols;
            for (int c = 0; c < cols; c++) {
                dst[c * rows + r] = src[so + c];
            }
        }
    }

    private static float[] buffer(ThreadLocal<float[]> holder, int size) {
        float[] b = holder.get();
        if (b.length < size) {
            b = new float[size];
            holder.set(b);
        }
        return b;
    }

    @Override
    public void close() {
        pool.close();
        kernels.close();
    }
}
