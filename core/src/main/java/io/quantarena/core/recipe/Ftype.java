package io.quantarena.core.recipe;

import io.quantarena.core.tensor.GgmlType;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * llama.cpp file types ({@code general.file_type}) with the name llama-quantize accepts and the
 * base ggml type it quantizes to (spec/gguf.md §6.2, spec/quantize-tool.md §2). COPY is left out:
 * it has no base type of its own.
 */
public enum Ftype {
    F32(0, GgmlType.F32),
    F16(1, GgmlType.F16),
    Q4_0(2, GgmlType.Q4_0),
    Q4_1(3, GgmlType.Q4_1),
    Q8_0(7, GgmlType.Q8_0),
    Q5_0(8, GgmlType.Q5_0),
    Q5_1(9, GgmlType.Q5_1),
    Q2_K(10, GgmlType.Q2_K),
    Q3_K_S(11, GgmlType.Q3_K),
    Q3_K_M(12, GgmlType.Q3_K),
    Q3_K_L(13, GgmlType.Q3_K),
    Q4_K_S(14, GgmlType.Q4_K),
    Q4_K_M(15, GgmlType.Q4_K),
    Q5_K_S(16, GgmlType.Q5_K),
    Q5_K_M(17, GgmlType.Q5_K),
    Q6_K(18, GgmlType.Q6_K),
    IQ2_XXS(19, GgmlType.IQ2_XXS),
    IQ2_XS(20, GgmlType.IQ2_XS),
    Q2_K_S(21, GgmlType.Q2_K),
    IQ3_XS(22, GgmlType.IQ3_S),
    IQ3_XXS(23, GgmlType.IQ3_XXS),
    IQ1_S(24, GgmlType.IQ1_S),
    IQ4_NL(25, GgmlType.IQ4_NL),
    IQ3_S(26, GgmlType.IQ3_S),
    IQ3_M(27, GgmlType.IQ3_S),
    IQ2_S(28, GgmlType.IQ2_XS),
    IQ2_M(29, GgmlType.IQ2_S),
    IQ4_XS(30, GgmlType.IQ4_XS),
    IQ1_M(31, GgmlType.IQ1_M),
    BF16(32, GgmlType.BF16),
    Q4_0_4_4(33, GgmlType.Q4_0_4_4),
    Q4_0_4_8(34, GgmlType.Q4_0_4_8),
    Q4_0_8_8(35, GgmlType.Q4_0_8_8),
    MXFP4(38, GgmlType.MXFP4),
    Q1_0_G128(41, GgmlType.Q1_0_G128),
    Q6_0(135, GgmlType.Q6_0),
    IQ1_BN(136, GgmlType.IQ1_BN),
    IQ2_BN(137, GgmlType.IQ2_BN),
    IQ2_K(138, GgmlType.IQ2_K),
    IQ3_K(139, GgmlType.IQ3_K),
    IQ4_K(140, GgmlType.IQ4_K),
    IQ5_K(141, GgmlType.IQ5_K),
    IQ6_K(142, GgmlType.IQ6_K),
    IQ4_KS(145, GgmlType.IQ4_KS),
    IQ3_KL(146, GgmlType.IQ3_K),
    IQ2_KS(147, GgmlType.IQ2_KS),
    IQ4_KSS(148, GgmlType.IQ4_KSS),
    Q8_KV(149, GgmlType.Q8_KV),
    IQ5_KS(150, GgmlType.IQ5_KS),
    IQ2_KT(151, GgmlType.IQ2_KT),
    IQ3_KT(152, GgmlType.IQ3_KT),
    IQ4_KT(153, GgmlType.IQ4_KT),
    IQ3_KS(154, GgmlType.IQ3_KS),
    IQ2_KL(155, GgmlType.IQ2_KL),
    IQ1_KT(156, GgmlType.IQ1_KT),
    Q4_0_R8(202, GgmlType.Q4_0_R8),
    Q8_0_R8(207, GgmlType.Q8_0_R8),
    Q5_0_R4(208, GgmlType.Q5_0_R4),
    Q2_K_R4(210, GgmlType.Q2_K_R4),
    Q3_K_R4(211, GgmlType.Q3_K_R4),
    Q4_K_R4(214, GgmlType.Q4_K_R4),
    Q5_K_R4(216, GgmlType.Q5_K_R4),
    Q6_K_R4(218, GgmlType.Q6_K_R4),
    IQ2_XXS_R4(219, GgmlType.IQ2_XXS_R4),
    IQ2_XS_R4(220, GgmlType.IQ2_XS_R4),
    IQ3_XXS_R4(223, GgmlType.IQ3_XXS_R4),
    IQ1_S_R4(224, GgmlType.IQ1_S_R4),
    IQ4_NL_R4(225, GgmlType.IQ4_NL_R4),
    IQ3_S_R4(226, GgmlType.IQ3_S_R4),
    IQ2_M_R4(229, GgmlType.IQ2_S_R4),
    IQ4_XS_R8(230, GgmlType.IQ4_XS_R8),
    IQ1_M_R4(231, GgmlType.IQ1_M_R4),
    BF16_R16(232, GgmlType.BF16_R16),
    Q6_0_R4(335, GgmlType.Q6_0_R4),
    IQ2_BN_R4(337, GgmlType.IQ2_BN_R4),
    IQ2_K_R4(338, GgmlType.IQ2_K_R4),
    IQ3_K_R4(339, GgmlType.IQ3_K_R4),
    IQ4_K_R4(340, GgmlType.IQ4_K_R4),
    IQ5_K_R4(341, GgmlType.IQ5_K_R4),
    IQ4_KS_R4(345, GgmlType.IQ4_KS_R4),
    IQ5_KS_R4(350, GgmlType.IQ5_KS_R4),
    MXFP4_R8(351, GgmlType.MXFP4_R8),
    Q8_KV_R8(398, GgmlType.Q8_KV_R8);

    /** llama-quantize's short aliases (spec/quantize-tool.md §2). */
    private static final Map<String, Ftype> ALIASES = Map.of(
            "Q3_K", Q3_K_M,
            "Q4_K", Q4_K_M,
            "Q5_K", Q5_K_M);

    private static final Map<Integer, Ftype> BY_VALUE = new HashMap<>();

    static {
        for (Ftype f : values()) {
            BY_VALUE.put(f.value, f);
        }
    }

    private final int value;
    private final GgmlType baseType;

    Ftype(int value, GgmlType baseType) {
        this.value = value;
        this.baseType = baseType;
    }

    /** The llama ftype number stored in {@code general.file_type}. */
    public int value() { return value; }

    /** The ggml type llama-quantize uses for the tensors it quantizes under this ftype. */
    public GgmlType baseType() { return baseType; }

    /** The name llama-quantize accepts on its command line (the enum constant's name). */
    public String toolName() { return name(); }

    /** Ftype by llama-quantize name (any case, aliases Q3_K/Q4_K/Q5_K included), empty when unknown. */
    public static Optional<Ftype> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String upper = name.trim().toUpperCase(Locale.ROOT);
        Ftype alias = ALIASES.get(upper);
        if (alias != null) {
            return Optional.of(alias);
        }
        for (Ftype f : values()) {
            if (f.name().equals(upper)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** Ftype by its {@code general.file_type} number, empty when unknown. */
    public static Optional<Ftype> byValue(int value) {
        return Optional.ofNullable(BY_VALUE.get(value));
    }
}
