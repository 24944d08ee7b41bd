package io.quantarena.core.model;

import io.quantarena.core.tensor.GgmlType;

/**
 * The precision in which ggml's CPU dot products consume activations for a weight type (its
 * {@code vec_dot_type}): bf16 / f16 weights see activations rounded to bf16 / f16, 32-element
 * quants see them quantized to Q8_0, 256-element quants to Q8_K. Emulating this makes our
 * perplexity and KL-divergence numbers comparable with the reference tools'.
 */
public enum ActivationFormat {
    F32, F16, BF16, Q8_0, Q8_K,
    /**
     * Q8_0 weights in the reference runtime: activations quantized like Q8_0 (32-element blocks,
     * fp16 scale d), and the weights made unsigned (w + 128) for the integer dot, the offset
     * being taken back with the block sum s = d·Σq stored in <b>bf16</b>. Each product therefore
     * carries 128·d_w·(s − bf16(s)) per block. Established against the reference numbers, not
     * in the spec: with it tiny-llama Q8_0 gives the reference's same-top-token count exactly
     * and its mean / median / 10 % KLD within 1–3 % (without it 13 % lower). Only {@link
     * CpuBackend#forEvaluation} adds that term; generation keeps the exact product of the
     * Q8_0-rounded activations.
     */
    Q8_0_BF16_SUM;

    public static ActivationFormat forWeight(GgmlType type) {
        return switch (type) {
            case F32 -> F32;
            case F16 -> F16;
            case BF16 -> BF16;
            case Q8_0 -> Q8_0_BF16_SUM;
            default -> switch (type.blockSize()) {
                case 32 -> Q8_0;
                case 256 -> Q8_K;
                default -> F32;
            };
        };
    }
}
