package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.tensor.GgmlType;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Which tensors llama-quantize quantizes, and the fallbacks it uses (spec/quantize-tool.md §3, §4.6). */
public final class TensorQuantRules {

    private static final Map<GgmlType, GgmlType> FALLBACK_256 = new EnumMap<>(GgmlType.class);

    static {
        for (GgmlType t : new GgmlType[]{GgmlType.IQ2_XXS, GgmlType.IQ2_XS, GgmlType.IQ2_KS, GgmlType.IQ2_S, GgmlType.IQ3_XXS,
                GgmlType.IQ3_S, GgmlType.IQ1_S, GgmlType.IQ1_M, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.IQ2_K, GgmlType.IQ2_KL,
                GgmlType.IQ3_KS, GgmlType.IQ3_K, GgmlType.IQ4_KSS, GgmlType.IQ4_KS, GgmlType.IQ4_XS, GgmlType.IQ1_KT,
                GgmlType.IQ2_KT, GgmlType.IQ3_KT, GgmlType.IQ4_KT}) {
            FALLBACK_256.put(t, GgmlType.IQ4_NL);
        }
        for (GgmlType t : new GgmlType[]{GgmlType.IQ4_K, GgmlType.Q4_K, GgmlType.IQ5_KS}) {
            FALLBACK_256.put(t, GgmlType.Q5_0);
        }
        FALLBACK_256.put(GgmlType.IQ5_K, GgmlType.Q6_0);
        FALLBACK_256.put(GgmlType.Q5_K, GgmlType.Q6_0);
        FALLBACK_256.put(GgmlType.IQ6_K, GgmlType.Q8_0);
        FALLBACK_256.put(GgmlType.Q6_K, GgmlType.Q8_0);
    }

    private TensorQuantRules() {
    }

    /**
     * True when llama-quantize would quantize this tensor (§3 without options): not an integer
     * type, a {@code *weight} of 2+ dimensions, not a norm, not an MoE router, not one of the
     * tensors it always copies.
     */
    public static boolean isQuantizable(GgufTensorInfo t) {
        String name = t.name();
        return switch (t.type()) {
            case I8, I16, I32, I64 -> false;
            default -> name.endsWith("weight")
                    && t.significantDims() >= 2
                    && !name.contains("_norm.weight")
                    && !name.contains("ffn_gate_inp.weight")
                    && !name.equals("position_embd.weight")
                    && !name.equals("token_types.weight")
                    && !name.contains("ssm_conv1d")
                    && !name.contains("ssm_x.weight")
                    && !name.contains("ssm_dt.weight")
                    && !name.contains("attn_rel_b.weight");
        };
    }

    /**
     * The type a quantizable tensor with rows of {@code ne0} elements gets when {@code wanted} is
     * requested: {@code wanted} when ne0 fits its blocks, else the §4.6 fallback of a 256-block
     * type when that fits, else empty (the tensor is copied unchanged).
     */
    public static Optional<GgmlType> typeFor(GgmlType wanted, long ne0) {
        if (ne0 % wanted.blockSize() == 0) {
            return Optional.of(wanted);
        }
        GgmlType fb = FALLBACK_256.get(wanted);
        return fb != null && ne0 % fb.blockSize() == 0 ? Optional.of(fb) : Optional.empty();
    }
}
