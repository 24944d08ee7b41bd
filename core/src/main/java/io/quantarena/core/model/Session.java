package io.quantarena.core.model;

/**
 * One sequence being evaluated: the forward pass of spec llama4.md §4 over a KV cache. Tokens are
 * processed in micro-batches (all weight products matrix × matrix); {@link #evaluate} returns the
 * logits of the positions asked for. Not thread-safe.
 */
public final class Session {

    private final ForwardPass pass;
    private final KvCache cache;

    /**
     * @param nCtx   KV cache size (the longest sequence)
     * @param ubatch tokens per forward micro-batch
     */
    public Session(LlamaModel model, Backend backend, int nCtx, int ubatch, KvCacheType cacheType) {
        HyperParams hp = model.hparams();
        this.cache = new KvCache(cacheType, hp.nLayer(), nCtx, hp.kvDim());
        this.pass = new ForwardPass(model, backend, Math.max(1, Math.min(ubatch, nCtx)));
    }

    public LlamaModel model() {
        return pass.model();
    }

    public KvCache cache() {
        return cache;
    }

    /** Number of positions already in the cache (the next token's position). */
    public int position() {
        return cache.used();
    }

    /** Shows every weight product's activations to {@code observer} (null: none) from now on. */
    public void observe(MatMulObserver observer) {
        pass.observe(observer);
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
        return pass.evaluate(cache, tokens, off, n, logitsFrom);
    }
}
