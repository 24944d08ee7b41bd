package io.quantarena.core.model;

import java.util.Arrays;

/**
 * One sequence being evaluated: the forward pass of spec llama4.md §4 over a KV cache. Tokens are
 * processed in micro-batches (all weight products matrix × matrix); {@link #evaluate} returns the
 * logits of the positions asked for. Not thread-safe.
 */
public final class Session {

    private final LlamaModel model;
    private final HyperParams hp;
    private final Backend backend;
    private final KvCache cache;
    private final int ubatch;
    private final Backend.RopeConfig rope;

    // scratch, one row per token of a micro-batch
    private final float[] h, a, q, k, v, attn, o, gate, up, router;
    private final float[] expertIn, expertGate, expertUp, expertOut, moeOut;
    private final int[] positions;

    /**
     * @param nCtx   KV cache size (the longest sequence)
     * @param ubatch tokens per forward micro-batch
     */
    public Session(LlamaModel model, Backend backend, int nCtx, int ubatch, KvCacheType cacheType) {
        this.model = model;
        this.hp = model.hparams();
        this.backend = backend;
        this.cache = new KvCache(cacheType, hp.nLayer(), nCtx, hp.kvDim());
        this.ubatch = Math.max(1, Math.min(ubatch, nCtx));
        this.rope = new Backend.RopeConfig(hp.ropeFreqBase(), hp.freqScale(), model.ropeFreqs());
        int b = this.ubatch;
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
    }

    public LlamaModel model() {
        return model;
    }

    public KvCache cache() {
        return cache;
    }

    /** Number of positions already in the cache (the next token's position). */
    public int position() {
        return cache.used();
    }

    /** Starts a new sequence. */
    public void clear() {
        cache.clear();
    }

    /**
     * Appends {@code n} tokens (from {@code tokens[off]}) at the next positions and returns the
     * logits of tokens {@code logitsFrom … n−1} of this call (row-major, n_vocab per row).
     */
    public float[] evaluate(int[] tokens, int off, int n, int logitsFrom) {
        if (n <= 0) {
            throw new IllegalArgumentException("nothing to evaluate (n = " + n + ")");
        }
        if (logitsFrom < 0 || logitsFrom > n) {
            throw new IllegalArgumentException("logitsFrom " + logitsFrom + " outside 0.." + n);
        }
        int nVocab = hp.nVocab();
        float[] logits = new float[(n - logitsFrom) * nVocab];
        for (int start = 0; start < n; start += ubatch) {
            int m = Math.min(ubatch, n - start);
            forwardBatch(tokens, off + start, m);
            int from = Math.max(logitsFrom - start, 0);
            if (from < m) {
                int rows = m - from;
                int e = hp.nEmbd();
                // the final norm goes to the scratch row block a (free until the next batch)
                backend.rmsNorm(Arrays.copyOfRange(h, from * e, m * e), rows, e, model.outputNorm(), hp.rmsEps(), a);
                int at = (start + from - logitsFrom) * nVocab;
                if (at == 0 && rows * nVocab == logits.length) {
                    backend.matMul(model.output(), a, rows, logits); // the usual case: no copy of the logits
                } else {
                    float[] out = new float[rows * nVocab];
                    backend.matMul(model.output(), a, rows, out);
                    System.arraycopy(out, 0, logits, at, rows * nVocab);
                }
            }
        }
        return logits;
    }

    /** Runs all layers for {@code n ≤ ubatch} tokens; leaves the final hidden states in {@code h}. */
    private void forwardBatch(int[] tokens, int off, int n) {
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
        int e = hp.nEmbd();
        for (int il = 0; il < hp.nLayer(); il++) {
            LlamaModel.Layer layer = model.layer(il);
            // attention block
            backend.rmsNorm(h, n, e, layer.attnNorm(), hp.rmsEps(), a);
            backend.matMul(layer.wq(), a, n, q);
            backend.matMul(layer.wk(), a, n, k);
            backend.matMul(layer.wv(), a, n, v);
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
            cache.store(il, pos0, n, k, v);
            int chunk = hp.usesChunkedAttention(il) ? HyperParams.LLAMA4_ATTN_CHUNK : 0;
            Backend.AttentionConfig cfg = new Backend.AttentionConfig(hp.nHead(), hp.nHeadKv(), hp.headDim(),
                    (float) (1.0 / Math.sqrt(hp.headDim())), chunk);
            backend.attention(q, n, positions, cache, il, pos0 + n, cfg, attn);
            backend.matMul(layer.wo(), attn, n, o);
            add(h, o, n * e);
            // FFN block
            backend.rmsNorm(h, n, e, layer.ffnNorm(), hp.rmsEps(), a);
            if (layer.isMoe()) {
                moe(layer, n);
            } else {
                backend.matMul(layer.ffnGate(), a, n, gate);
                backend.matMul(layer.ffnUp(), a, n, up);
                backend.swiglu(gate, up, n * hp.nFf());
                backend.matMul(layer.ffnDown(), gate, n, o);
                add(h, o, n * e);
            }
        }
        cache.setUsed(pos0 + n);
    }

    /** Routed experts (grouped by expert, so each expert's product is one matrix × matrix) plus the shared expert. */
    private void moe(LlamaModel.Layer layer, int n) {
        int e = hp.nEmbd();
        int nExp = hp.nExpert();
        int kUsed = hp.nExpertUsed();
        int ff = hp.nFfExp();
        boolean llama4 = hp.arch() == Architecture.LLAMA4;
        backend.matMul(layer.router(), a, n, router);
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
            backend.matMul(layer.gateExps().rowSlice(layer.gateExps().name() + "[" + ex + "]", ex * ff, ff),
                    expertIn, m, expertGate);
            backend.matMul(layer.upExps().rowSlice(layer.upExps().name() + "[" + ex + "]", ex * ff, ff),
                    expertIn, m, expertUp);
            backend.swiglu(expertGate, expertUp, m * ff);
            backend.matMul(layer.downExps().rowSlice(layer.downExps().name() + "[" + ex + "]", ex * e, e),
                    expertGate, m, expertOut);
            for (int r = 0; r < m; r++) {
                int t = rowsToken[r];
                float w = llama4 ? 1f : rowsWeight[r];
                for (int c = 0; c < e; c++) {
                    moeOut[t * e + c] += w * expertOut[r * e + c];
                }
            }
        }
        if (layer.gateShexp() != null) {
            backend.matMul(layer.gateShexp(), a, n, gate);
            backend.matMul(layer.upShexp(), a, n, up);
            backend.swiglu(gate, up, n * ff);
            backend.matMul(layer.downShexp(), gate, n, o);
            add(moeOut, o, n * e);
        }
        add(h, moeOut, n * e);
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
