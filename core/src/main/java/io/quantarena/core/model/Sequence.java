package io.quantarena.core.model;

/**
 * One sequence of a {@link BatchDecoder}: its own KV cache, so that sequences of different lengths
 * decode side by side. Reusable for a new sequence after {@link #clear()}.
 */
public final class Sequence {

    private final KvCache cache;

    /** @param nCtx the longest this sequence may grow (KV cache cells) */
    public Sequence(LlamaModel model, int nCtx, KvCacheType cacheType) {
        HyperParams hp = model.hparams();
        this.cache = new KvCache(cacheType, hp.nLayer(), nCtx, hp.kvDim());
    }

    public KvCache cache() {
        return cache;
    }

    /** Number of positions already in the cache (the next token's position). */
    public int position() {
        return cache.used();
    }

    /** The context size: positions this sequence can hold. */
    public int capacity() {
        return cache.capacity();
    }

    /** Forgets all positions (a new sequence starts). */
    public void clear() {
        cache.clear();
    }

    /** Bytes of KV cache this sequence holds (for memory budgets). */
    public static long cacheBytes(HyperParams hp, int nCtx, KvCacheType type) {
        long cells = 2L * hp.nLayer() * nCtx * hp.kvDim();
        return switch (type) {
            case F32 -> 4 * cells;
            case F16 -> 2 * cells;
            case Q8_0 -> cells / 32 * 34;
        };
    }
}
