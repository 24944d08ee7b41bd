package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.tensor.GgmlType;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import static io.quantarena.core.tensor.GgmlType.*;

/**
 * Which tensors llama-quantize quantizes, the fallbacks it uses when rows do not fit a type, and
 * the row-interleaved types' geometry (spec/quantize-tool.md §3, §4, §4.6, §4.7).
 */
public final class TensorQuantRules {

    /** Super-block width of the types §4.6 checks. */
    static final int QK_K = 256;

    private static final Map<GgmlType, GgmlType> FALLBACK_256 = new EnumMap<>(GgmlType.class);
    private static final Map<GgmlType, GgmlType> INTERLEAVED_BASE = new EnumMap<>(GgmlType.class);
    private static final Map<GgmlType, Integer> INTERLEAVED_ROWS = new EnumMap<>(GgmlType.class);

    static {
        fallbacks(IQ4_NL, IQ2_XXS, IQ2_XS, IQ2_KS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M, Q2_K, Q3_K, IQ2_K, IQ2_KL, IQ3_KS, IQ3_K,
                IQ4_KSS, IQ4_KS, IQ4_XS, IQ1_KT, IQ2_KT, IQ3_KT, IQ4_KT,
                IQ2_XXS_R4, IQ2_XS_R4, IQ2_S_R4, IQ3_XXS_R4, IQ3_S_R4, IQ1_S_R4, IQ1_M_R4, Q2_K_R4, Q3_K_R4, IQ2_K_R4, IQ3_K_R4,
                IQ4_KS_R4, IQ4_XS_R8);
        fallbacks(Q5_0, IQ4_K, Q4_K, IQ5_KS, IQ4_K_R4, Q4_K_R4, IQ5_KS_R4);
        fallbacks(Q6_0, IQ5_K, Q5_K, IQ5_K_R4, Q5_K_R4);
        fallbacks(Q8_0, IQ6_K, Q6_K, Q8_K_R8, Q6_K_R4);

        for (GgmlType t : GgmlType.values()) {
            String n = t.typeName();
            int rows = 0;
            String base = null;
            for (int r : new int[]{4, 8, 16}) {
                if (n.endsWith("_r" + r)) {
                    rows = r;
                    base = n.substring(0, n.length() - 2 - Integer.toString(r).length());
                }
            }
            if (t == Q4_0_4_4 || t == Q4_0_4_8 || t == Q4_0_8_8) {
                rows = t == Q4_0_8_8 ? 8 : 4;
                base = "q4_0";
            }
            if (base != null) {
                GgmlType b = byNameOrNull(base);
                if (b != null) {
                    INTERLEAVED_BASE.put(t, b);
                    INTERLEAVED_ROWS.put(t, rows);
                }
            }
        }
    }

    private static void fallbacks(GgmlType to, GgmlType... from) {
        for (GgmlType t : from) {
            FALLBACK_256.put(t, to);
        }
    }

    private static GgmlType byNameOrNull(String name) {
        for (GgmlType c : GgmlType.values()) {
            if (c.typeName().equalsIgnoreCase(name)) {
                return c;
            }
        }
        return null;
    }

    private TensorQuantRules() {
    }

    /**
     * True when llama-quantize would quantize this tensor with default options (§3): not an
     * integer type, a {@code *weight} of 2+ dimensions, not a norm, not an MoE router, not one
     * of the tensors it always copies.
     */
    public static boolean isQuantizable(GgufTensorInfo t) {
        return isWeightMatrix(t) && !t.name().contains("ffn_gate_inp.weight");
    }

    /** §3 rules 1-4 and 8: the tensors that can be quantized at all (routers included). */
    static boolean isWeightMatrix(GgufTensorInfo t) {
        String name = t.name();
        return switch (t.type()) {
            case I8, I16, I32, I64 -> false;
            default -> name.endsWith("weight")
                    && t.significantDims() >= 2
                    && !name.contains("_norm.weight")
                    && !name.equals("position_embd.weight")
                    && !name.equals("token_types.weight")
                    && !name.contains("ssm_conv1d")
                    && !name.contains("ssm_x.weight")
                    && !name.contains("ssm_dt.weight")
                    && !name.contains("attn_rel_b.weight");
        };
    }

    /**
     * The type a tensor with rows of {@code ne0} elements gets when {@code wanted} is requested
     * (§4.6): the fallback when {@code wanted} is one of the 256-column types and ne0 is not a
     * multiple of 256, else {@code wanted}. The result may still not fit (legacy types need
     * ne0 % 32 == 0); see {@link #fits}.
     */
    public static GgmlType fallback(GgmlType wanted, long ne0) {
        GgmlType fb = FALLBACK_256.get(wanted);
        return fb != null && ne0 % QK_K != 0 ? fb : wanted;
    }

    /** Whether rows of {@code ne0} elements can be stored as {@code type}. */
    public static boolean fits(GgmlType type, long ne0) {
        return ne0 % type.blockSize() == 0;
    }

    /**
     * {@link #fallback} when the result fits, else empty (the whole-model quantizer of
     * {@link QuantizeRequest} then copies the tensor unchanged).
     */
    public static Optional<GgmlType> typeFor(GgmlType wanted, long ne0) {
        GgmlType t = fallback(wanted, ne0);
        return fits(t, ne0) ? Optional.of(t) : Optional.empty();
    }

    /** Rows interleaved per group by an {@code _R4/_R8/_R16} (or {@code q4_0_4x4}...) type; 1 for ordinary types. */
    public static int interleavedRows(GgmlType t) {
        return INTERLEAVED_ROWS.getOrDefault(t, 1);
    }

    /** The ordinary type an interleaved type repacks ({@code q4_k_r4} → {@code q4_K}); the type itself otherwise. */
    public static GgmlType deinterleaved(GgmlType t) {
        return INTERLEAVED_BASE.getOrDefault(t, t);
    }
}
