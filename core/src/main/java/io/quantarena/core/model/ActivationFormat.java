package io.quantarena.core.model;

import io.quantarena.core.tensor.GgmlType;

/**
 * The precision in which ggml's CPU dot products consume activations for a weight type (its
 * {@code vec_dot_type}): bf16 / f16 weights see activations rounded to bf16 / f16, 32-element
 * quants see them quantized to Q8_0, 256-element quants to Q8_K. Emulating this makes our
 * perplexity and KL-divergence numbers comparable with the reference tools'.
 */
public enum ActivationFormat {
    F32, F16, BF16, Q8_0, Q8_K;

    public static ActivationFormat forWeight(GgmlType type) {
        return switch (type) {
            case F32 -> F32;
            case F16 -> F16;
            case BF16 -> BF16;
            default -> switch (type.blockSize()) {
                case 32 -> Q8_0;
                case 256 -> Q8_K;
                default -> F32;
            };
        };
    }
}
