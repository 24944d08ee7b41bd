package io.quantarena.core.gguf;

import io.quantarena.core.tensor.GgmlType;

import java.util.ArrayList;
import java.util.List;

/**
 * llama file types, the value of {@code general.file_type} (ik_llama.cpp {@code enum llama_ftype},
 * spec/gguf.md §6.2): value, name printed by the loader, llama-quantize TYPE name and the base
 * ggml type llama-quantize uses for it. Not the ggml {@code ggml_ftype} numbering.
 */
public enum LlamaFileType {
    ALL_F32(0, "all F32", "F32", GgmlType.F32),
    MOSTLY_F16(1, "F16", "F16", GgmlType.F16),
    MOSTLY_Q4_0(2, "Q4_0", "Q4_0", GgmlType.Q4_0),
    MOSTLY_Q4_1(3, "Q4_1", "Q4_1", GgmlType.Q4_1),
    MOSTLY_Q8_0(7, "Q8_0", "Q8_0", GgmlType.Q8_0),
    MOSTLY_Q5_0(8, "Q5_0", "Q5_0", GgmlType.Q5_0),
    MOSTLY_Q5_1(9, "Q5_1", "Q5_1", GgmlType.Q5_1),
    MOSTLY_Q2_K(10, "Q2_K - Medium", "Q2_K", GgmlType.Q2_K),
    MOSTLY_Q3_K_S(11, "Q3_K - Small", "Q3_K_S", GgmlType.Q3_K),
    MOSTLY_Q3_K_M(12, "Q3_K - Medium", "Q3_K_M", GgmlType.Q3_K),
    MOSTLY_Q3_K_L(13, "Q3_K - Large", "Q3_K_L", GgmlType.Q3_K),
    MOSTLY_Q4_K_S(14, "Q4_K - Small", "Q4_K_S", GgmlType.Q4_K),
    MOSTLY_Q4_K_M(15, "Q4_K - Medium", "Q4_K_M", GgmlType.Q4_K),
    MOSTLY_Q5_K_S(16, "Q5_K - Small", "Q5_K_S", GgmlType.Q5_K),
    MOSTLY_Q5_K_M(17, "Q5_K - Medium", "Q5_K_M", GgmlType.Q5_K),
    MOSTLY_Q6_K(18, "Q6_K", "Q6_K", GgmlType.Q6_K),
    MOSTLY_IQ2_XXS(19, "IQ2_XXS - 2.0625 bpw", "IQ2_XXS", GgmlType.IQ2_XXS),
    MOSTLY_IQ2_XS(20, "IQ2_XS - 2.3125 bpw", "IQ2_XS", GgmlType.IQ2_XS),
    MOSTLY_Q2_K_S(21, "Q2_K - Small", "Q2_K_S", GgmlType.Q2_K),
    MOSTLY_IQ3_XS(22, "IQ3_XS - 3.3 bpw", "IQ3_XS", GgmlType.IQ3_S),
    MOSTLY_IQ3_XXS(23, "IQ3_XXS - 3.0625 bpw", "IQ3_XXS", GgmlType.IQ3_XXS),
    MOSTLY_IQ1_S(24, "IQ1_S - 1.5625 bpw", "IQ1_S", GgmlType.IQ1_S),
    MOSTLY_IQ4_NL(25, "IQ4_NL - 4.5 bpw", "IQ4_NL", GgmlType.IQ4_NL),
    MOSTLY_IQ3_S(26, "IQ3_S - 3.4375 bpw", "IQ3_S", GgmlType.IQ3_S),
    MOSTLY_IQ3_M(27, "IQ3_S mix - 3.66 bpw", "IQ3_M", GgmlType.IQ3_S),
    MOSTLY_IQ2_S(28, "IQ2_S - 2.5 bpw", "IQ2_S", GgmlType.IQ2_XS),
    MOSTLY_IQ2_M(29, "IQ2_M - 2.7 bpw", "IQ2_M", GgmlType.IQ2_S),
    MOSTLY_IQ4_XS(30, "IQ4_XS - 4.25 bpw", "IQ4_XS", GgmlType.IQ4_XS),
    MOSTLY_IQ1_M(31, "IQ1_M - 1.75 bpw", "IQ1_M", GgmlType.IQ1_M),
    MOSTLY_BF16(32, "BF16", "BF16", GgmlType.BF16),
    MOSTLY_Q4_0_4_4(33, "Q4_0_4_4", "Q4_0_4_4", GgmlType.Q4_0_4_4),
    MOSTLY_Q4_0_4_8(34, "Q4_0_4_8", "Q4_0_4_8", GgmlType.Q4_0_4_8),
    MOSTLY_Q4_0_8_8(35, "Q4_0_8_8", "Q4_0_8_8", GgmlType.Q4_0_8_8),
    MOSTLY_MXFP4(38, "MXFP4 - 4.25 bpw", "MXFP4", GgmlType.MXFP4),
    MOSTLY_Q1_0_G128(41, "Q1_0_G128 - 1.125 bpw", null, GgmlType.Q1_0_G128),
    MOSTLY_Q6_0(135, "Q6_0", "Q6_0", GgmlType.Q6_0),
    MOSTLY_IQ1_BN(136, "IQ1_BN - 1.625 bpw Bitnet", "IQ1_BN", GgmlType.IQ1_BN),
    MOSTLY_IQ2_BN(137, "IQ2_BN - 2.00 bpw Bitnet", "IQ2_BN", GgmlType.IQ2_BN),
    MOSTLY_IQ2_K(138, "IQ2_K - 2.375 bpw", "IQ2_K", GgmlType.IQ2_K),
    MOSTLY_IQ3_K(139, "IQ3_K - 3.4325 bpw", "IQ3_K", GgmlType.IQ3_K),
    MOSTLY_IQ4_K(140, "IQ4_K - 4.5 bpw", "IQ4_K", GgmlType.IQ4_K),
    MOSTLY_IQ5_K(141, "IQ5_K - 5.5 bpw", "IQ5_K", GgmlType.IQ5_K),
    MOSTLY_IQ6_K(142, "IQ6_K - 6.6 bpw", "IQ6_K", GgmlType.IQ6_K),
    MOSTLY_IQ4_KS(145, "IQ4_KS - 4.25 bpw", "IQ4_KS", GgmlType.IQ4_KS),
    MOSTLY_IQ3_KL(146, "IQ3_KL - 4 bpw", "IQ3_KL", GgmlType.IQ3_K),
    MOSTLY_IQ2_KS(147, "IQ2_KS - 2.1875 bpw", "IQ2_KS", GgmlType.IQ2_KS),
    MOSTLY_IQ4_KSS(148, "IQ4_KSS - 4.0 bpw", "IQ4_KSS", GgmlType.IQ4_KSS),
    MOSTLY_Q8_KV(149, "Q8_KV", "Q8_KV", GgmlType.Q8_KV),
    MOSTLY_IQ5_KS(150, "IQ5_KS - 5.25 bpw", "IQ5_KS", GgmlType.IQ5_KS),
    MOSTLY_IQ2_KT(151, "IQ2_KT - 2.125 bpw", "IQ2_KT", GgmlType.IQ2_KT),
    MOSTLY_IQ3_KT(152, "IQ3_KT - 3.125 bpw", "IQ3_KT", GgmlType.IQ3_KT),
    MOSTLY_IQ4_KT(153, "IQ4_KT - 4.0 bpw", "IQ4_KT", GgmlType.IQ4_KT),
    MOSTLY_IQ3_KS(154, "IQ3_KS - 3.1875 bpw", "IQ3_KS", GgmlType.IQ3_KS),
    MOSTLY_IQ2_KL(155, "IQ2_KL - 2.6875 bpw", "IQ2_KL", GgmlType.IQ2_KL),
    MOSTLY_IQ1_KT(156, "IQ1_KT - 1.75 bpw", "IQ1_KT", GgmlType.IQ1_KT),
    MOSTLY_Q4_0_R8(202, "Q4_0_R8 - 4.5 bpw", "Q4_0_R8", GgmlType.Q4_0_R8),
    MOSTLY_Q8_0_R8(207, "Q8_0_R8 - 8.5 bpw", "Q8_0_R8", GgmlType.Q8_0_R8),
    MOSTLY_Q5_0_R4(208, "Q5_0_R4 - 5.5 bpw", "Q5_0_R4", GgmlType.Q5_0_R4),
    MOSTLY_Q2_K_R4(210, "Q2_K_R4", "Q2_K_R4", GgmlType.Q2_K_R4),
    MOSTLY_Q3_K_R4(211, "Q3_K_R4", "Q3_K_R4", GgmlType.Q3_K_R4),
    MOSTLY_Q4_K_R4(214, "Q4_K_R4", "Q4_K_R4", GgmlType.Q4_K_R4),
    MOSTLY_Q5_K_R4(216, "Q5_K_R4", "Q5_K_R4", GgmlType.Q5_K_R4),
    MOSTLY_Q6_K_R4(218, "Q6_K_R4", "Q6_K_R4", GgmlType.Q6_K_R4),
    MOSTLY_IQ2_XXS_R4(219, "IQ2_XXS_R4 - 2.0625 bpw", "IQ2_XXS_R4", GgmlType.IQ2_XXS_R4),
    MOSTLY_IQ2_XS_R4(220, "IQ2_XS_R4 - 2.3125 bpw", "IQ2_XS_R4", GgmlType.IQ2_XS_R4),
    MOSTLY_IQ3_XXS_R4(223, "IQ3_XXS_R4 - 3.0625 bpw", "IQ3_XXS_R4", GgmlType.IQ3_XXS_R4),
    MOSTLY_IQ1_S_R4(224, "IQ1_S_R4 - 1.5 bpw", "IQ1_S_R4", GgmlType.IQ1_S_R4),
    MOSTLY_IQ4_NL_R4(225, "IQ4_NL_R4 - 4.5 bpw", "IQ4_NL_R4", GgmlType.IQ4_NL_R4),
    MOSTLY_IQ3_S_R4(226, "IQ3_S_R4 - 3.4375 bpw", "IQ3_S_R4", GgmlType.IQ3_S_R4),
    MOSTLY_IQ2_M_R4(229, "IQ2_M_R4 - 2.7 bpw", "IQ2_M_R4", GgmlType.IQ2_S_R4),
    MOSTLY_IQ4_XS_R8(230, "IQ4_XS_R8 - 4.25 bpw", "IQ4_XS_R8", GgmlType.IQ4_XS_R8),
    MOSTLY_IQ1_M_R4(231, "IQ1_M_R4 - 1.75 bpw", "IQ1_M_R4", GgmlType.IQ1_M_R4),
    MOSTLY_BF16_R16(232, "BF16_R16", "BF16_R16", GgmlType.BF16_R16),
    MOSTLY_Q6_0_R4(335, "Q6_0_R4 - 6.5 bpw", "Q6_0_R4", GgmlType.Q6_0_R4),
    MOSTLY_IQ2_BN_R4(337, "IQ2_BN_R4 - 2.00 bpw Bitnet", "IQ2_BN_R4", GgmlType.IQ2_BN_R4),
    MOSTLY_IQ2_K_R4(338, "IQ2_K_R4 - 2.375 bpw", "IQ2_K_R4", GgmlType.IQ2_K_R4),
    MOSTLY_IQ3_K_R4(339, "IQ3_K_R4 - 3.4325 bpw", "IQ3_K_R4", GgmlType.IQ3_K_R4),
    MOSTLY_IQ4_K_R4(340, "IQ4_K_R4 - 4.5 bpw", "IQ4_K_R4", GgmlType.IQ4_K_R4),
    MOSTLY_IQ5_K_R4(341, "IQ5_K_R4 - 5.5 bpw", "IQ5_K_R4", GgmlType.IQ5_K_R4),
    MOSTLY_IQ4_KS_R4(345, "IQ4_KS_R4 - 4.25 bpw", "IQ4_KS_R4", GgmlType.IQ4_KS_R4),
    MOSTLY_IQ5_KS_R4(350, "IQ5_KS_R4 - 5.25 bpw", "IQ5_KS_R4", GgmlType.IQ5_KS_R4),
    MOSTLY_MXFP4_R8(351, null, "MXFP4_R8", GgmlType.MXFP4_R8),
    MOSTLY_Q8_KV_R8(398, "Q8_KV_R8", "Q8_KV_R8", GgmlType.Q8_KV_R8),
    MOSTLY_Q8_K_R8(399, "Q8_K_R8", "Q8_K_R8", GgmlType.Q8_K_R8);

    private final int value;
    private final String printedName;
    private final String quantizeName;
    private final GgmlType baseType;

    LlamaFileType(int value, String printedName, String quantizeName, GgmlType baseType) {
        this.value = value;
        this.printedName = printedName;
        this.quantizeName = quantizeName;
        this.baseType = baseType;
    }

    /** The number stored in {@code general.file_type}. */
    public int value() {
        return value;
    }

    /** What the llama loader prints ({@code llama_model_ftype_name}), or null where it has none. */
    public String printedName() {
        return printedName;
    }

    /** The llama-quantize TYPE argument, or null where the tool has none. */
    public String quantizeName() {
        return quantizeName;
    }

    /** The ggml type llama-quantize starts from for this ftype. */
    public GgmlType baseType() {
        return baseType;
    }

    /** The file type with this value, or null when unknown. */
    public static LlamaFileType byValueOrNull(long value) {
        for (LlamaFileType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        return null;
    }

    /**
     * The file type for a llama-quantize TYPE argument (spec/quantize-tool.md §1, §2): a name,
     * case-insensitive, including the aliases Q3_K, Q4_K and Q5_K (the "_M" mixes), or a
     * numeric ftype value. COPY is not a file type and is not accepted here.
     *
     * @throws IllegalArgumentException naming the argument when it is neither
     */
    public static LlamaFileType fromQuantizeName(String arg) {
        String s = arg == null ? "" : arg.trim();
        for (LlamaFileType t : values()) {
            if (t.quantizeName != null && t.quantizeName.equalsIgnoreCase(s)) {
                return t;
            }
        }
        switch (s.toUpperCase(java.util.Locale.ROOT)) {
            case "Q3_K" -> {
                return MOSTLY_Q3_K_M;
            }
            case "Q4_K" -> {
                return MOSTLY_Q4_K_M;
            }
            case "Q5_K" -> {
                return MOSTLY_Q5_K_M;
            }
            default -> {
            }
        }
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() < 10) {
            LlamaFileType t = byValueOrNull(Long.parseLong(s));
            if (t != null && t.quantizeName != null) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown quantization type '" + arg + "' (expected a llama-quantize name such as Q4_K_M, Q8_0, IQ4_XS, IQ4_KS or a numeric ftype)");
    }

    /** Whether {@code arg} names a file type ({@link #fromQuantizeName} would succeed). */
    public static boolean isQuantizeName(String arg) {
        try {
            fromQuantizeName(arg);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The file type that describes a model quantized uniformly to {@code type}: among the file
     * types with that base type, the one named like the type (IQ3_S, not IQ3_XS), else the
     * "medium" mix that llama-quantize uses as the alias (Q3_K means Q3_K_M), else the first.
     *
     * @throws IllegalArgumentException when no file type has this base type
     */
    public static LlamaFileType forUniformType(GgmlType type) {
        List<LlamaFileType> candidates = new ArrayList<>();
        for (LlamaFileType t : values()) {
            if (t.baseType == type) {
                candidates.add(t);
            }
        }
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no llama file type has base type " + type.typeName());
        }
        for (LlamaFileType t : candidates) {
            if (t.shortName().equals(type.name())) {
                return t;
            }
        }
        for (LlamaFileType t : candidates) {
            if (t.shortName().equals(type.name() + "_M")) {
                return t;
            }
        }
        return candidates.getFirst();
    }

    private String shortName() {
        return name().substring(name().indexOf('_') + 1);
    }
}
