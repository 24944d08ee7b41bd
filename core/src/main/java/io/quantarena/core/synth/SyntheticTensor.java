package io.quantarena.core.synth;

import io.quantarena.core.tensor.GgmlType;

/**
 * One tensor of a synthetic model: name, ggml shape (ne0 contiguous), storage type and what its
 * values are.
 */
public record SyntheticTensor(String name, long[] ne, GgmlType type, Fill fill) {

    /** How a tensor's values are made. */
    public enum Fill {
        /** Norm weights: all 1. */
        ONES,
        /** llama-3-style RoPE frequency divisors. */
        ROPE_FREQS,
        /** Independent N(0, σ²) values, σ = {@link SyntheticModel#WEIGHT_SIGMA}. */
        GAUSSIAN
    }

    public SyntheticTensor {
        ne = ne.clone();
    }

    /** Elements per row (ne0). */
    public int cols() {
        return Math.toIntExact(ne[0]);
    }

    /** Rows: the product of ne1, ne2, … */
    public long rows() {
        long r = 1;
        for (int i = 1; i < ne.length; i++) {
            r *= ne[i];
        }
        return r;
    }

    public long elements() {
        return rows() * ne[0];
    }

    public long byteSize() {
        return rows() * type.rowSize(ne[0]);
    }
}
