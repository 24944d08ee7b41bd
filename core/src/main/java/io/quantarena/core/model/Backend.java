package io.quantarena.core.model;

/**
 * The heavy operations of a forward pass. Activations are row-major float arrays with one row
 * per token; weights stay in their file encoding. A backend is used by one forward pass at a
 * time (it may keep scratch buffers) and parallelises internally.
 */
public interface Backend extends AutoCloseable {

    /** Human-readable name and thread count, e.g. for timing lines. */
    String description();

    /** y[t·rows + r] = Σ_c W[r][c]·x[t·cols + c] for the {@code n} tokens t. */
    void matMul(Weight w, float[] x, int n, float[] y);

    /**
     * {@code n} independent products y[j·rows + r] = Σ_c W[r][c]·x[j·cols + c] in one pass over the
     * weights, each row of y exactly as {@link #matMul} computes it for that activation alone (n = 1):
     * the decode step of several sequences, whose results must not depend on their batch-mates.
     */
    void matVecs(Weight w, float[] x, int n, float[] y);

    /** out[i·cols …] = row {@code ids[i]} of {@code table}, dequantized (embedding lookup). */
    void getRows(Weight table, int[] ids, int n, float[] out);

    /** Row-wise RMSNorm of {@code n} rows of {@code dim} (weight may be null); y may alias x. */
    void rmsNorm(float[] x, int n, int dim, float[] weight, float eps, float[] y);

    /**
     * Applies "normal" RoPE to {@code n} tokens of {@code nHeads} heads (rows of nHeads·headDim) at
     * the given positions.
     */
    void rope(float[] x, int n, int nHeads, int headDim, int[] positions, RopeConfig rope);

    /**
     * Causal attention of {@code n} query tokens (rows of nHead·headDim in q, positions given)
     * against the first {@code nKv} cells of the layer's KV cache; writes rows of nHead·headDim.
     */
    void attention(float[] q, int n, int[] positions, KvCache cache, int layer, int nKv, AttentionConfig cfg, float[] out);

    /** gate[i] = silu(gate[i])·up[i] for i &lt; len. */
    void swiglu(float[] gate, float[] up, int len);

    @Override
    void close();

    /** RoPE frequency settings; {@code freqFactors} is {@code rope_freqs} or null. */
    record RopeConfig(float freqBase, float freqScale, float[] freqFactors) {
    }

    /**
     * @param scale attention scale applied to q·k (1/sqrt(headDim))
     * @param chunk chunked-attention length (keys from ⌊p/chunk⌋·chunk only), 0 for full causal
     */
    record AttentionConfig(int nHead, int nHeadKv, int headDim, float scale, int chunk) {
    }
}
