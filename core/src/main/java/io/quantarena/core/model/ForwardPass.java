package io.quantarena.core.model;

import java.util.Arrays;

/**
 * The forward pass of spec llama4.md §4 over rows of tokens, in one of two shapes:
 * <ul>
 *   <li>{@link #evaluate}: consecutive tokens of one sequence (prompt processing, single-sequence
 *       decoding); weight products are matrix × matrix over the tokens;</li>
 *   <li>{@link #decode}: one token of each of several sequences (a continuous-batching decode step);
 *       weight products read each weight once for all rows ({@link Backend#matVecs}) and each row's
 *       result is exactly the single-token result, attention runs per sequence on its own cache.</li>
 * </ul>
 * Holds scratch for up to {@code maxRows} rows. Not thread-safe.
 */
final class ForwardPass {

    private final LlamaModel model;
    private final HyperParams hp;
    private final Backend backend;
    private final Backend.RopeConfig rope;
    private final int maxRows;

    // scratch, one row per token
    private final float[] h, a, q, k, v, attn, o, gate, up, router;
    private final float[] expertIn, expertGate, expertUp, expertOut, moeOut;
    private final int[] positions;
    // per-sequence rows of the decode shape
    private final float[] qRow, kRow, vRow, attnRow;
    private final int[] onePosition = new int[1];

    /** Whether the rows of the current call belong to different sequences. */
    private boolean independentRows;
    /** Sees every weight product's activations (imatrix collection), or null. */
    private MatMulObserver observer;

    ForwardPass(LlamaModel model, Backend backend, int maxRows) {
        this.model = model;
        this.hp = model.hparams();
        this.backend = backend;
        this.maxRows = Math.max(1, maxRows);
        this.rope = new Backend.RopeConfig(hp.ropeFreqBase(), hp.freqScale(), model.ropeFreqs());
        int b = this.maxRows;
        int e = hp.nEmbd();
        int ffMax = Math.max(hp.nFf(), hp.nFfExp());
        h = new float[b * e];
        a = new float[b * e];
        q = new float[b * hp.qDim()];
        k = new float[b * hp.kvDim()];
        v = new float[b * hp.kvDim()];
        attn = new float[b * hp.qDim()];
        o = new float[b * e];
        gate = new float[b * ffMax];
        up = new float[b * ffMax];
        router = new float[b * Math.max(1, hp.nExpert())];
        int moeRows = b * Math.max(1, hp.nExpertUsed());
        expertIn = hp.nExpert() > 0 ? new float[moeRows * e] : null;
        expertGate = hp.nExpert() > 0 ? new float[moeRows * hp.nFfExp()] : null;
        expertUp = hp.nExpert() > 0 ? new float[moeRows * hp.nFfExp()] : null;
        expertOut = hp.nExpert() > 0 ? new float[moeRows * e] : null;
        moeOut = hp.nExpert() > 0 ? new float[b * e] : null;
        positions = new int[b];
        qRow = new float[hp.qDim()];
        kRow = new float[hp.kvDim()];
        vRow = new float[hp.kvDim()];
        attnRow = new float[hp.qDim()];
    }

    LlamaModel model() {
        return model;
    }

    int maxRows() {
        return maxRows;
    }

    /**
     * Appends {@code n} tokens (from {@code tokens[off]}) to the sequence of {@code cache} in
     * micro-batches of at most {@link #maxRows()} and returns the logits of tokens
     * {@code logitsFrom … n−1} of this call (row-major, n_vocab per row).
     */
    float[] evaluate(KvCache cache, int[] tokens, int off, int n, int logitsFrom) {
        if (n <= 0) {
            throw new IllegalArgumentException("nothing to evaluate (n = " + n + ")");
        }
        if (logitsFrom < 0 || logitsFrom > n) {
            throw new IllegalArgumentException("logitsFrom " + logitsFrom + " outside 0.." + n);
        }
        int nVocab = hp.nVocab();
        float[] logits = new float[(n - logitsFrom) * nVocab];
        independentRows = false;
        for (int start = 0; start < n; start += maxRows) {
            int m = Math.min(maxRows, n - start);
            forwardSequence(cache, tokens, off + start, m);
            int from = Math.max(logitsFrom - start, 0);
            if (from < m) {
                int rows = m - from;
                float[] normed = new float[rows * hp.nEmbd()];
                System.arraycopy(h, from * hp.nEmbd(), normed, 0, rows * hp.nEmbd());
                backend.rmsNorm(normed, rows, hp.nEmbd(), model.outputNorm(), hp.rmsEps(), normed);
                if (observer != null) {
                    observer.dense(model.output(), normed, rows);
                }
                int at = (start + from - logitsFrom) * nVocab;
                if (at == 0 && rows * nVocab == logits.length) {
                    backend.matMul(model.output(), normed, rows, logits); // the usual case: no copy of the logits
                } else {
                    float[] out = new float[rows * nVocab];
                    backend.matMul(model.output(), normed, rows, out);
                    System.arraycopy(out, 0, logits, at, rows * nVocab);
                }
            }
        }
        return logits;
    }

    /**
     * Appends {@code tokens[i]} to the sequence of {@code caches[i]} for i &lt; n (n ≤ maxRows) and
     * returns their logits, one row of n_vocab per sequence.
     */
    float[] decode(KvCache[] caches, int[] tokens, int n) {
        if (n <= 0 || n > maxRows) {
            throw new IllegalArgumentException("decode step of " + n + " sequences, expected 1.." + maxRows);
        }
        for (int i = 0; i < n; i++) {
            KvCache c = caches[i];
            if (c.used() + 1 > c.capacity()) {
                throw new IllegalStateException("sequence " + i + " of " + (c.used() + 1)
                        + " tokens exceeds the context size " + c.capacity());
            }
            for (int j = 0; j < i; j++) {
                if (caches[j] == c) {
                    throw new IllegalArgumentException("sequences " + j + " and " + i + " of a decode step share a KV cache");
                }
            }
            positions[i] = c.used();
        }
        independentRows = true;
        int[] ids = Arrays.copyOf(tokens, n);
        backend.getRows(model.tokenEmbedding(), ids, n, h);
        layers(n, caches);
        for (int i = 0; i < n; i++) {
            caches[i].setUsed(positions[i] + 1);
        }
        int e = hp.nEmbd();
        float[] normed = new float[n * e];
        System.arraycopy(h, 0, normed, 0, n * e);
        backend.rmsNorm(normed, n, e, model.outputNorm(), hp.rmsEps(), normed);
        float[] logits = new float[n * hp.nVocab()];
        backend.matVecs(model.output(), normed, n, logits);
        return logits;
    }

    /** Runs all layers for {@code n ≤ maxRows} consecutive tokens of one sequence; leaves the hidden states in {@code h}. */
    private void forwardSequence(KvCache cache, int[] tokens, int off, int n) {
        int pos0 = cache.used();
        if (pos0 + n > cache.capacity()) {
            throw new IllegalStateException("sequence of " + (pos0 + n) + " tokens exceeds the context size "
                    + cache.capacity());
        }
        for (int i = 0; i < n; i++) {
            positions[i] = pos0 + i;
        }
        int[] ids = Arrays.copyOfRange(tokens, off, off + n);
        backend.getRows(model.tokenEmbedding(), ids, n, h);
        layers(n, new KvCache[]{cache});
        cache.setUsed(pos0 + n);
    }

    /**
     * The transformer blocks over the {@code n} rows of {@code h} at {@link #positions}: one cache
     * for consecutive tokens of a sequence, or one cache per row ({@link #independentRows}).
     */
    private void layers(int n, KvCache[] caches) {
        int e = hp.nEmbd();
        for (int il = 0; il < hp.nLayer(); il++) {
            LlamaModel.Layer layer = model.layer(il);
            // attention block
            backend.rmsNorm(h, n, e, layer.attnNorm(), hp.rmsEps(), a);
            observed(layer.wq(), a, n, q);
            observed(layer.wk(), a, n, k);
            observed(layer.wv(), a, n, v);
            if (hp.usesRope(il)) {
                backend.rope(q, n, hp.nHead(), hp.headDim(), positions, rope);
                backend.rope(k, n, hp.nHeadKv(), hp.headDim(), positions, rope);
                if (hp.useKqNorm()) {
                    backend.rmsNorm(q, n * hp.nHead(), hp.headDim(), null, hp.rmsEps(), q);
                    backend.rmsNorm(k, n * hp.nHeadKv(), hp.headDim(), null, hp.rmsEps(), k);
                }
            } else {
                // llama4 NoPE layer: query temperature
                int qd = hp.qDim();
                for (int i = 0; i < n; i++) {
                    float tau = TensorMath.attentionTemperature(positions[i]);
                    for (int j = 0; j < qd; j++) {
                        q[i * qd + j] *= tau;
                    }
                }
            }
            int chunk = hp.usesChunkedAttention(il) ? HyperParams.LLAMA4_ATTN_CHUNK : 0;
            Backend.AttentionConfig cfg = new Backend.AttentionConfig(hp.nHead(), hp.nHeadKv(), hp.headDim(),
                    (float) (1.0 / Math.sqrt(hp.headDim())), chunk);
            if (independentRows) {
                attendPerSequence(il, n, caches, cfg);
            } else {
                int pos0 = positions[0];
                caches[0].store(il, pos0, n, k, v);
                backend.attention(q, n, positions, caches[0], il, pos0 + n, cfg, attn);
            }
            observed(layer.wo(), attn, n, o);
            add(h, o, n * e);
            // FFN block
            backend.rmsNorm(h, n, e, layer.ffnNorm(), hp.rmsEps(), a);
            if (layer.isMoe()) {
                moe(layer, n);
            } else {
                observed(layer.ffnGate(), a, n, gate);
                observed(layer.ffnUp(), a, n, up);
                backend.swiglu(gate, up, n * hp.nFf());
                observed(layer.ffnDown(), gate, n, o);
                add(h, o, n * e);
            }
        }
    }

    /** Row i against its own sequence's cache, exactly as a one-token call for that sequence alone. */
    private void attendPerSequence(int il, int n, KvCache[] caches, Backend.AttentionConfig cfg) {
        int qd = hp.qDim();
        int kvd = hp.kvDim();
        for (int i = 0; i < n; i++) {
            int pos = positions[i];
            System.arraycopy(k, i * kvd, kRow, 0, kvd);
            System.arraycopy(v, i * kvd, vRow, 0, kvd);
            caches[i].store(il, pos, 1, kRow, vRow);
            System.arraycopy(q, i * qd, qRow, 0, qd);
            onePosition[0] = pos;
            backend.attention(qRow, 1, onePosition, caches[i], il, pos + 1, cfg, attnRow);
            System.arraycopy(attnRow, 0, attn, i * qd, qd);
        }
    }

    /** Shows every weight product's activations to {@code observer} (null: none) from now on. */
    void observe(MatMulObserver observer) {
        this.observer = observer;
    }

    /** A dense weight product, shown to the observer first. */
    private void observed(Weight w, float[] x, int n, float[] y) {
        if (observer != null) {
            observer.dense(w, x, n);
        }
        product(w, x, n, y);
    }

    /** A weight product over the current rows, in the shape the rows call for. */
    private void product(Weight w, float[] x, int n, float[] y) {
        if (independentRows) {
            backend.matVecs(w, x, n, y);
        } else {
            backend.matMul(w, x, n, y);
        }
    }

    /** Routed experts (grouped by expert, so each expert's product covers all its rows) plus the shared expert. */
    private void moe(LlamaModel.Layer layer, int n) {
        int e = hp.nEmbd();
        int nExp = hp.nExpert();
        int kUsed = hp.nExpertUsed();
        int ff = hp.nFfExp();
        boolean llama4 = hp.arch() == Architecture.LLAMA4;
        observed(layer.router(), a, n, router);
        int[] chosen = new int[n * kUsed];
        float[] weights = new float[n * kUsed];
        float[] probs = new float[nExp];
        for (int t = 0; t < n; t++) {
            System.arraycopy(router, t * nExp, probs, 0, nExp);
            if (!llama4) {
                TensorMath.softmax(probs, 0, nExp);
            }
            topK(probs, kUsed, chosen, t * kUsed);
            float sum = 0f;
            for (int j = 0; j < kUsed; j++) {
                int ex = chosen[t * kUsed + j];
                float w = llama4 ? TensorMath.sigmoid(probs[ex]) : probs[ex];
                weights[t * kUsed + j] = w;
                sum += w;
            }
            if (!llama4) {
                for (int j = 0; j < kUsed; j++) {
                    weights[t * kUsed + j] /= sum;
                }
            }
        }
        Arrays.fill(moeOut, 0, n * e, 0f);
        int[] rowsToken = new int[n * kUsed];
        float[] rowsWeight = new float[n * kUsed];
        // for an observer: every expert's input rows and down-projection input rows, in one product each
        ExpertRows seen = observer == null ? null : new ExpertRows(n * kUsed, e, ff);
        for (int ex = 0; ex < nExp; ex++) {
            int m = 0;
            for (int i = 0; i < n * kUsed; i++) {
                if (chosen[i] == ex) {
                    int t = i / kUsed;
                    rowsToken[m] = t;
                    rowsWeight[m] = weights[i];
                    if (llama4) {
                        // llama4 weights the expert's input
                        float w = weights[i];
                        for (int c = 0; c < e; c++) {
                            expertIn[m * e + c] = w * a[t * e + c];
                        }
                    } else {
                        System.arraycopy(a, t * e, expertIn, m * e, e);
                    }
                    m++;
                }
            }
            if (m == 0) {
                continue;
            }
            product(layer.gateExps().rowSlice(layer.gateExps().name() + "[" + ex + "]", ex * ff, ff),
                    expertIn, m, expertGate);
            product(layer.upExps().rowSlice(layer.upExps().name() + "[" + ex + "]", ex * ff, ff),
                    expertIn, m, expertUp);
            backend.swiglu(expertGate, expertUp, m * ff);
            if (seen != null) {
                seen.add(ex, expertIn, expertGate, m);
            }
            product(layer.downExps().rowSlice(layer.downExps().name() + "[" + ex + "]", ex * e, e),
                    expertGate, m, expertOut);
            for (int r = 0; r < m; r++) {
                int t = rowsToken[r];
                float w = llama4 ? 1f : rowsWeight[r];
                for (int c = 0; c < e; c++) {
                    moeOut[t * e + c] += w * expertOut[r * e + c];
                }
            }
        }
        if (seen != null) {
            observer.experts(layer.gateExps(), nExp, seen.in, seen.expert, seen.rows);
            observer.experts(layer.upExps(), nExp, seen.in, seen.expert, seen.rows);
            observer.experts(layer.downExps(), nExp, seen.down, seen.expert, seen.rows);
        }
        if (layer.gateShexp() != null) {
            observed(layer.gateShexp(), a, n, gate);
            observed(layer.upShexp(), a, n, up);
            backend.swiglu(gate, up, n * ff);
            observed(layer.downShexp(), gate, n, o);
            add(moeOut, o, n * e);
        }
        add(h, moeOut, n * e);
    }

    /** The rows one MoE layer fed to its experts, gathered across the per-expert products. */
    private static final class ExpertRows {
        final float[] in;
        final float[] down;
        final int[] expert;
        final int nEmbd;
        final int nFf;
        int rows;

        ExpertRows(int capacity, int nEmbd, int nFf) {
            this.in = new float[capacity * nEmbd];
            this.down = new float[capacity * nFf];
            this.expert = new int[capacity];
            this.nEmbd = nEmbd;
            this.nFf = nFf;
        }

        void add(int ex, float[] expertIn, float[] expertDownIn, int m) {
            System.arraycopy(expertIn, 0, in, rows * nEmbd, m * nEmbd);
            System.arraycopy(expertDownIn, 0, down, rows * nFf, m * nFf);
            Arrays.fill(expert, rows, rows + m, ex);
            rows += m;
        }
    }

    /** Indices of the k largest values (first index wins ties), largest first. */
    static void topK(float[] values, int k, int[] out, int outOff) {
        int n = values.length;
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                boolean taken = false;
                for (int p = 0; p < j; p++) {
                    if (out[outOff + p] == i) {
                        taken = true;
                        break;
                    }
                }
                if (!taken && (best < 0 || values[i] > values[best])) {
                    best = i;
                }
            }
            out[outOff + j] = best;
        }
    }

    private static void add(float[] dst, float[] src, int len) {
        for (int i = 0; i < len; i++) {
            dst[i] += src[i];
        }
    }
}
