package io.quantarena.core.model;

/**
 * Sees the activations that a forward pass multiplies with its weights, like the graph callback
 * llama-imatrix installs (spec/quantize-tool.md §6.3). One call per product and micro-batch, on
 * the forward pass's thread: before a dense product; for a MoE layer once per expert stack after
 * its per-expert products (with every routed row). Must not modify {@code x}.
 */
public interface MatMulObserver {

    /** A dense product of {@code w} with {@code rows} activation rows of {@code w.cols()} values. */
    void dense(Weight w, float[] x, int rows);

    /**
     * One product over a stacked expert tensor ({@code MUL_MAT_ID}): activation row r (of
     * {@code stack.cols()} values) was fed to expert {@code expertIds[r]}, one row per token and
     * selected expert.
     */
    void experts(Weight stack, int nExpert, float[] x, int[] expertIds, int rows);
}
