package io.quantarena.core.model;

import java.util.List;

/**
 * Continuous batching over one model: prompts are processed per {@link Sequence} in micro-batches,
 * and the decode steps of all active sequences run together ({@link #step}) — one pass over each
 * weight for all of them, attention per sequence on its own KV cache. Each sequence's logits are
 * exactly those of a {@link Session} evaluating it alone with the same micro-batch size, whatever
 * its batch-mates. Not thread-safe: one decoder per scheduling thread.
 */
public final class BatchDecoder {

    private final ForwardPass pass;
    private final int maxSequences;
    private final int ubatch;
    private final KvCache[] caches;

    /**
     * @param maxSequences the most sequences one {@link #step} may carry
     * @param ubatch       tokens per prompt micro-batch (as {@link Session}'s)
     */
    public BatchDecoder(LlamaModel model, Backend backend, int maxSequences, int ubatch) {
        if (maxSequences < 1) {
            throw new IllegalArgumentException("maxSequences " + maxSequences + ", expected >= 1");
        }
        if (ubatch < 1) {
            throw new IllegalArgumentException("ubatch " + ubatch + ", expected >= 1");
        }
        this.maxSequences = maxSequences;
        this.caches = new KvCache[maxSequences];
        // prompt micro-batches of ubatch rows must match Session's chunking, so the scratch covers both
        this.pass = new ForwardPass(model, backend, Math.max(maxSequences, ubatch));
        this.ubatch = ubatch;
    }

    public LlamaModel model() {
        return pass.model();
    }

    public int maxSequences() {
        return maxSequences;
    }

    /**
     * Appends {@code n} prompt tokens (from {@code tokens[off]}) to {@code sequence} in micro-batches of
     * {@code ubatch} tokens and returns the logits of the last one.
     */
    public float[] prefill(Sequence sequence, int[] tokens, int off, int n) {
        KvCache cache = sequence.cache();
        if (cache.used() + n > cache.capacity()) {
            throw new IllegalArgumentException("prompt of " + n + " tokens after " + cache.used()
                    + " does not fit the context of " + cache.capacity());
        }
        float[] logits = null;
        // chunks of ubatch, as Session (whose pass has exactly ubatch rows) would split them
        for (int start = 0; start < n; start += ubatch) {
            int m = Math.min(ubatch, n - start);
            boolean last = start + m == n;
            float[] l = pass.evaluate(cache, tokens, off + start, m, last ? m - 1 : m);
            if (last) {
                logits = l;
            }
        }
        return logits;
    }

    /**
     * One decode step: {@code tokens[i]} is appended to {@code sequences.get(i)}. Returns the logits,
     * one row of n_vocab per sequence, in the order given.
     */
    public float[] step(List<Sequence> sequences, int[] tokens) {
        int n = sequences.size();
        if (n == 0 || n > maxSequences) {
            throw new IllegalArgumentException("decode step of " + n + " sequences, expected 1.." + maxSequences);
        }
        if (tokens.length < n) {
            throw new IllegalArgumentException(tokens.length + " tokens for " + n + " sequences");
        }
        for (int i = 0; i < n; i++) {
            caches[i] = sequences.get(i).cache();
        }
        try {
            return pass.decode(caches, tokens, n);
        } finally {
            java.util.Arrays.fill(caches, null);
        }
    }
}
