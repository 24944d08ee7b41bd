package io.quantarena.core.model;

import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import jdk.incubator.vector.FloatVector;

/** The forward-pass operations on the CPU, parallelised over a {@link WorkerPool}. */
public final class CpuBackend implements Backend {

    /** Rows per matmul task: dequantized once, then multiplied with every token. */
    private static final int ROW_TILE = 16;
    /** Query tokens per attention task. */
    private static final int ATTN_TOKEN_TILE = 16;

    private final WorkerPool pool;
    private final ThreadLocal<float[]> rowBuffer = ThreadLocal.withInitial(() -> new float[0]);
    private final ThreadLocal<float[]> scoreBuffer = ThreadLocal.withInitial(() -> new float[0]);
    private float[] keys = new float[0];
    private float[] keysT = new float[0];
    private float[] values = new float[0];

    public CpuBackend(int threads) {
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
        int rows = w.rows();
        int cols = w.cols();
        QuantCodec codec = QuantCodecs.forType(w.type());
        long rowBytes = w.rowBytes();
        int tiles = (rows + ROW_TILE - 1) / ROW_TILE;
        pool.run(tiles, tile -> {
            int r0 = tile * ROW_TILE;
            int nr = Math.min(ROW_TILE, rows - r0);
            float[] buf = buffer(rowBuffer, nr * cols);
            for (int r = 0; r < nr; r++) {
                codec.dequantizeRow(w.data(), (r0 + r) * rowBytes, buf, r * cols, cols);
            }
            for (int t = 0; t < n; t++) {
                int xo = t * cols;
                int yo = t * rows + r0;
                int r = 0;
                for (; r + 4 <= nr; r += 4) {
                    dot4(buf, r * cols, cols, x, xo, y, yo + r);
                }
                for (; r < nr; r++) {
                    y[yo + r] = VectorOps.dot(buf, r * cols, x, xo, cols);
                }
            }
        });
    }

    /** Four dot products of consecutive weight rows with one activation row, sharing its loads. */
    private static void dot4(float[] w, int wo, int cols, float[] x, int xo, float[] y, int yo) {
        int i = 0;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        if (cols >= VectorOps.LANES) {
            FloatVector a0 = FloatVector.zero(VectorOps.F);
            FloatVector a1 = a0, a2 = a0, a3 = a0;
            int bound = VectorOps.F.loopBound(cols);
            for (; i < bound; i += VectorOps.LANES) {
                FloatVector xv = FloatVector.fromArray(VectorOps.F, x, xo + i);
                a0 = FloatVector.fromArray(VectorOps.F, w, wo + i).fma(xv, a0);
                a1 = FloatVector.fromArray(VectorOps.F, w, wo + cols + i).fma(xv, a1);
                a2 = FloatVector.fromArray(VectorOps.F, w, wo + 2 * cols + i).fma(xv, a2);
                a3 = FloatVector.fromArray(VectorOps.F, w, wo + 3 * cols + i).fma(xv, a3);
            }
            s0 = a0.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
            s1 = a1.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
            s2 = a2.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
            s3 = a3.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        }
        for (; i < cols; i++) {
            float xv = x[xo + i];
            s0 += w[wo + i] * xv;
            s1 += w[wo + cols + i] * xv;
            s2 += w[wo + 2 * cols + i] * xv;
            s3 += w[wo + 3 * cols + i] * xv;
        }
        y[yo] = s0;
        y[yo + 1] = s1;
        y[yo + 2] = s2;
        y[yo + 3] = s3;
    }

    @Override
    public void getRows(Weight table, int[] ids, int n, float[] out) {
        QuantCodec codec = QuantCodecs.forType(table.type());
        int cols = table.cols();
        for (int i = 0; i < n; i++) {
            int id = ids[i];
            if (id < 0 || id >= table.rows()) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + table.rows()
                        + " rows of " + table.name());
            }
            codec.dequantizeRow(table.data(), id * table.rowBytes(), out, i * cols, cols);
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
        }
        cache.readKeys(layer, 0, nKv, keys);
        cache.readValues(layer, 0, nKv, values);
        // keys transposed per KV head ([kvh][d][cell]) so that scores vectorise over cells
        float[] k = keys;
        float[] kT = keysT;
        for (int j = 0; j < nKv; j++) {
            for (int c = 0; c < kvDim; c++) {
                kT[c * nKv + j] = k[j * kvDim + c];
            }
        }
        float[] v = values;
        int tokenTiles = (n + ATTN_TOKEN_TILE - 1) / ATTN_TOKEN_TILE;
        pool.run(cfg.nHead() * tokenTiles, task -> {
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
                for (int j = 0; j < len; j++) {
                    s[j] *= cfg.scale();
                }
                TensorMath.softmax(s, 0, len);
                int oo = t * qDim + h * hd;
                java.util.Arrays.fill(out, oo, oo + hd, 0f);
                for (int j = 0; j < len; j++) {
                    VectorOps.axpy(s[j], v, (lo + j) * kvDim + kvh * hd, out, oo, hd);
                }
            }
        });
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
    }
}
