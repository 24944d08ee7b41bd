package io.quantarena.core.model;

import io.quantarena.core.kernel.MatrixKernels;
import io.quantarena.core.kernel.QuantizedVector;
import io.quantarena.core.kernel.WeightMatrix;
import io.quantarena.core.kernel.cpu.ActivationQuantizer;
import io.quantarena.core.kernel.cpu.CpuMatrixKernels;
import io.quantarena.core.kernel.cpu.KernelThreadPool;
import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The forward-pass operations on the CPU: weight products through {@link MatrixKernels} (Vector
 * API) and attention on one {@link KernelThreadPool}, the small element-wise steps on the calling thread.
 */
public final class CpuBackend implements Backend {

    /** Below this many multiply-adds attention runs on the calling thread (waking workers costs more). */
    private static final long PARALLEL_ATTENTION_WORK = 1 << 16;
    /** Below this many multiply-adds a weight product runs on the calling thread. */
    private static final long PARALLEL_PRODUCT_WORK = 1 << 18;
    /** Query tokens per attention task. */
    private static final int ATTN_TOKEN_TILE = 16;

    private final boolean referenceActivations;
    private final Arena arena = Arena.ofShared();
    private MemorySegment quantized;
    private float[] activations = new float[0];
    private float[] rowBuffer = new float[0];
    private final KernelThreadPool pool;
    /**
     * Null unless the reference kernels' arithmetic is reproduced (evaluation): the bf16 block sums
     * of Q8_0 products and the int16 pair saturation of the non-linear 4/5/6-bit types.
     */
    private final Q8BlockSumCorrection q8SumCorrection;
    private final PairSaturation pairSaturation;
    private final MatrixKernels kernels;
    private final MatrixKernels serialKernels;
    private final AttentionScratch[] attentionScratch;

    /** A backend whose products consume activations like the reference tools ({@link ActivationFormat}). */
    public CpuBackend(int threads) {
        this(threads, true, false);
    }

    /**
     * @param referenceActivations round / quantize activations per weight type like ggml's CPU
     *                             dot products; false keeps them in float (slightly more precise)
     */
    public CpuBackend(int threads, boolean referenceActivations) {
        this(threads, referenceActivations, false);
    }

    /**
     * For perplexity and KL-divergence: products follow the reference runtime as closely as we
     * know, including the bf16 block sums of its Q8_0 products ({@link Q8BlockSumCorrection}) and
     * the int16 saturation of its 4/5/6-bit non-linear kernels ({@link PairSaturation}). Both cost
     * time and are left out of generation and serving: the Q8_0 correction is a second, serial
     * pass over every weight block, which took two thirds of a Q8_0 1B model's decode time.
     */
    public static CpuBackend forEvaluation(int threads) {
        return new CpuBackend(threads, true, true);
    }

    private CpuBackend(int threads, boolean referenceActivations, boolean referenceKernelArithmetic) {
        this.referenceActivations = referenceActivations;
        // one pool for the weight products and attention: a second set of waiting threads would
        // compete with the first for the same cores
        this.pool = new KernelThreadPool(threads);
        this.kernels = new CpuMatrixKernels(pool);
        this.serialKernels = threads == 1 ? kernels : new CpuMatrixKernels(1);
        boolean reproduce = referenceActivations && referenceKernelArithmetic;
        this.q8SumCorrection = reproduce ? new Q8BlockSumCorrection(pool) : null;
        this.pairSaturation = reproduce ? new PairSaturation(pool) : null;
        this.attentionScratch = new AttentionScratch[threads];
        for (int i = 0; i < threads; i++) {
            attentionScratch[i] = new AttentionScratch();
        }
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
        ActivationFormat format = referenceActivations ? ActivationFormat.forWeight(w.type()) : ActivationFormat.F32;
        x = roundActivations(format, x, n, w.cols());
        // small products (single-token decode of small matrices) finish before a worker could be woken
        MatrixKernels k = (long) n * w.rows() * w.cols() < PARALLEL_PRODUCT_WORK ? serialKernels : kernels;
        if (n == 1) {
            k.matVec(m, x, y);
        } else {
            k.matMul(m, x, n, y);
        }
        addReferenceKernelEffects(format, w, n, y);
    }

    /**
     * Adds to the exact products what the reference's integer kernels do differently (evaluation
     * only): the bf16 block sums of Q8_0 products and the int16 pair saturation of the non-linear
     * 4/5/6-bit types. Reads the activations {@link #roundActivations} left quantized.
     */
    private void addReferenceKernelEffects(ActivationFormat format, Weight w, int n, float[] y) {
        if (q8SumCorrection != null && format == ActivationFormat.Q8_0_BF16_SUM && w.cols() % GgmlType.Q8_0.blockSize() == 0) {
            q8SumCorrection.apply(w, new QuantizedVector(GgmlType.Q8_0, quantized, w.cols(), n), n, y);
        }
        if (pairSaturation != null && format == ActivationFormat.Q8_K && PairSaturation.applies(w.type())
                && w.cols() % GgmlType.Q8_K.blockSize() == 0) {
            pairSaturation.apply(w, new QuantizedVector(GgmlType.Q8_K, quantized, w.cols(), n), n, y);
        }
    }

    @Override
    public void matVecs(Weight w, float[] x, int n, float[] y) {
        WeightMatrix m = new WeightMatrix(w.type(), w.data(), w.rows(), w.cols());
        ActivationFormat format = referenceActivations ? ActivationFormat.forWeight(w.type()) : ActivationFormat.F32;
        // rounding is per element or per row block: each row rounds as it would alone
        x = roundActivations(format, x, n, w.cols());
        // per-row results do not depend on the thread count, only the time does
        MatrixKernels k = (long) n * w.rows() * w.cols() < PARALLEL_PRODUCT_WORK ? serialKernels : kernels;
        k.matVecs(m, x, n, y);
        // the same effects as matMul's, so batched decoding gives each sequence matMul's numbers
        addReferenceKernelEffects(format, w, n, y);
    }

    @Override
    public void getRows(Weight table, int[] ids, int n, float[] out) {
        // the codec's row dequantizer, as ggml's get_rows (for IQ6_K it differs from the products' levels)
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
        VectorOps.swiglu(gate, 0, up, 0, len);
    }

    @Override
    public void attention(float[] q, int n, int[] positions, KvCache cache, int layer, int nKv, AttentionConfig cfg,
                          float[] out) {
        int hd = cfg.headDim();
        int qDim = cfg.nHead() * hd;
        int group = cfg.nHead() / cfg.nHeadKv();
        int tokenTiles = (n + ATTN_TOKEN_TILE - 1) / ATTN_TOKEN_TILE;
        long work = (long) n * cfg.nHead() * hd * Math.max(1, nKv / 2);
        // one task per (KV head, token tile): it widens that head's keys and values for the cells its
        // tokens can see once, then serves the query heads of its group
        KernelThreadPool.ChunkTask body = (worker, task) -> {
            int kvh = task / tokenTiles;
            int t0 = (task % tokenTiles) * ATTN_TOKEN_TILE;
            int t1 = Math.min(n, t0 + ATTN_TOKEN_TILE);
            int cellLo = Integer.MAX_VALUE;
            int cellHi = 0;
            for (int t = t0; t < t1; t++) {
                int p = positions[t];
                if (p >= nKv) {
                    throw new IllegalStateException("query position " + p + " has no KV cell (cache holds " + nKv + ")");
                }
                cellLo = Math.min(cellLo, cfg.chunk() > 0 ? (p / cfg.chunk()) * cfg.chunk() : 0);
                cellHi = Math.max(cellHi, p + 1);
            }
            int cells = cellHi - cellLo;
            AttentionScratch sc = scratch(worker, cells, hd);
            cache.keysTransposed(layer, kvh * hd, hd, cellLo, cells, sc.keysT);
            cache.values(layer, kvh * hd, hd, cellLo, cells, sc.values);
            float[] s = sc.scores;
            for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                for (int t = t0; t < t1; t++) {
                    int p = positions[t];
                    int lo = cfg.chunk() > 0 ? (p / cfg.chunk()) * cfg.chunk() : 0;
                    int len = p - lo + 1;
                    int qo = t * qDim + h * hd;
                    java.util.Arrays.fill(s, 0, len, 0f);
                    for (int d = 0; d < hd; d++) {
                        VectorOps.axpy(q[qo + d], sc.keysT, d * cells + (lo - cellLo), s, 0, len);
                    }
                    VectorOps.softmax(s, len, cfg.scale());
                    VectorOps.weightedRowSum(s, len, sc.values, (lo - cellLo) * hd, hd, out, qo, hd);
                }
            }
        };
        int tasks = cfg.nHeadKv() * tokenTiles;
        if (work < PARALLEL_ATTENTION_WORK) {
            for (int i = 0; i < tasks; i++) {
                body.run(0, i);
            }
        } else {
            pool.run(tasks, body);
        }
    }

    /** Per-thread attention buffers: scores of one query, one KV head's keys (transposed) and values. */
    private static final class AttentionScratch {
        float[] scores = new float[0];
        float[] keysT = new float[0];
        float[] values = new float[0];
    }

    private AttentionScratch scratch(int worker, int cells, int headDim) {
        AttentionScratch sc = attentionScratch[worker];
        if (sc.scores.length < cells) {
            sc.scores = new float[cells];
        }
        if (sc.keysT.length < cells * headDim) {
            sc.keysT = new float[cells * headDim];
            sc.values = new float[cells * headDim];
        }
        return sc;
    }

    /**
     * Activations as the reference's dot product sees them: rounded to bf16 / f16, or quantized to
     * Q8_0 / Q8_K and decoded again (identical products, since the kernels multiply in float);
     * the quantized form stays in {@link #quantized} for the Q8_0 block-sum correction.
     */
    private float[] roundActivations(ActivationFormat format, float[] x, int n, int cols) {
        int len = n * cols;
        switch (format) {
            case F32 -> {
                return x;
            }
            case BF16 -> {
                float[] r = activationBuffer(len);
                int i = 0;
                var species = jdk.incubator.vector.IntVector.SPECIES_PREFERRED;
                for (int bound = species.loopBound(len); i < bound; i += species.length()) {
                    var bits = jdk.incubator.vector.FloatVector.fromArray(VectorOps.F, x, i)
                            .reinterpretAsInts();
                    var lsb = bits.lanewise(jdk.incubator.vector.VectorOperators.LSHR, 16).and(1);
                    bits.add(lsb).add(0x7fff).and(0xffff0000).reinterpretAsFloats().intoArray(r, i);
                }
                for (; i < len; i++) {
                    r[i] = roundToBf16(x[i]);
                }
                return r;
            }
            case F16 -> {
                float[] r = activationBuffer(len);
                for (int i = 0; i < len; i++) {
                    r[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
                }
                return r;
            }
            default -> {
                GgmlType type = format == ActivationFormat.Q8_K ? GgmlType.Q8_K : GgmlType.Q8_0;
                if (cols % type.blockSize() != 0) {
                    return x;
                }
                long bytes = type.rowSize(cols) * n;
                if (quantized == null || quantized.byteSize() < bytes) {
                    quantized = arena.allocate(Math.max(bytes, 1 << 16), 64);
                }
                QuantizedVector qv = new QuantizedVector(type, quantized, cols, n);
                kernels.quantizeActivations(x, qv);
                float[] r = activationBuffer(len);
                if (rowBuffer.length < cols) {
                    rowBuffer = new float[cols];
                }
                for (int t = 0; t < n; t++) {
                    ActivationQuantizer.dequantize(qv, t, rowBuffer);
                    System.arraycopy(rowBuffer, 0, r, t * cols, cols);
                }
                return r;
            }
        }
    }

    /** ggml's fp32 → bf16 conversion (round to nearest even), back as float. */
    static float roundToBf16(float v) {
        if (Float.isNaN(v)) {
            return v;
        }
        int b = Float.floatToRawIntBits(v);
        b = (b + 0x7fff + ((b >>> 16) & 1)) & 0xffff0000;
        return Float.intBitsToFloat(b);
    }

    private float[] activationBuffer(int len) {
        if (activations.length < len) {
            activations = new float[len];
        }
        return activations;
    }

    @Override
    public void close() {
        kernels.close();
        if (serialKernels != kernels) {
            serialKernels.close();
        }
        pool.close();
        arena.close();
    }
}
