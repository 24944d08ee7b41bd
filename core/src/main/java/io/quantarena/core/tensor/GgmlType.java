package io.quantarena.core.tensor;

import java.util.HashMap;
import java.util.Map;

/**
 * ggml tensor types with their on-disk geometry (ik_llama.cpp numbering, spec/gguf.md §6).
 * Types we cannot decode are still listed so that files containing them can be inspected.
 */
public enum GgmlType {
    F32(0, "f32", 1, 4, 0),
    F16(1, "f16", 1, 2, 0),
    Q4_0(2, "q4_0", 32, 18, 0),
    Q4_1(3, "q4_1", 32, 20, 0),
    Q5_0(6, "q5_0", 32, 22, 0),
    Q5_1(7, "q5_1", 32, 24, 0),
    Q8_0(8, "q8_0", 32, 34, 0),
    Q8_1(9, "q8_1", 32, 36, 0),
    Q2_K(10, "q2_K", 256, 84, 0),
    Q3_K(11, "q3_K", 256, 110, 0),
    Q4_K(12, "q4_K", 256, 144, 0),
    Q5_K(13, "q5_K", 256, 176, 0),
    Q6_K(14, "q6_K", 256, 210, 0),
    Q8_K(15, "q8_K", 256, 296, 0),
    IQ2_XXS(16, "iq2_xxs", 256, 66, 0),
    IQ2_XS(17, "iq2_xs", 256, 74, 0),
    IQ3_XXS(18, "iq3_xxs", 256, 98, 0),
    IQ1_S(19, "iq1_s", 256, 50, 0),
    IQ4_NL(20, "iq4_nl", 32, 18, 0),
    IQ3_S(21, "iq3_s", 256, 110, 0),
    IQ2_S(22, "iq2_s", 256, 82, 0),
    IQ4_XS(23, "iq4_xs", 256, 136, 0),
    I8(24, "i8", 1, 1, 0),
    I16(25, "i16", 1, 2, 0),
    I32(26, "i32", 1, 4, 0),
    I64(27, "i64", 1, 8, 0),
    F64(28, "f64", 1, 8, 0),
    IQ1_M(29, "iq1_m", 256, 56, 0),
    BF16(30, "bf16", 1, 2, 0),
    Q4_0_4_4(31, "q4_0_4x4", 32, 18, 0),
    Q4_0_4_8(32, "q4_0_4x8", 32, 18, 0),
    Q4_0_8_8(33, "q4_0_8x8", 32, 18, 0),
    I2_S(36, "i2_s", 1, 1, 0),
    MXFP4(39, "mxfp4", 32, 17, 0),
    Q1_0_G128(41, "q1_0_g128", 128, 18, 0),
    Q8_0_X4(97, "q8_0_x4", 32, 34, 0),
    Q8_1_X4(98, "q8_1_x4", 32, 36, 0),
    Q8_2_X4(99, "q8_2_x4", 32, 36, 0),
    Q6_0(133, "q6_0", 32, 26, 0),
    IQ1_BN(134, "iq1_bn", 64, 13, 2),
    IQ2_BN(135, "iq2_bn", 64, 16, 4),
    Q8_K64(136, "q8_K64", 64, 68, 0),
    IQ2_K(137, "iq2_k", 256, 76, 0),
    IQ3_K(138, "iq3_k", 256, 110, 0),
    IQ4_K(139, "iq4_k", 256, 144, 0),
    IQ5_K(140, "iq5_k", 256, 176, 0),
    IQ6_K(141, "iq6_k", 256, 212, 0),
    IQ4_KS(144, "iq4_ks", 256, 136, 4),
    IQ2_KS(145, "iq2_ks", 256, 70, 2),
    IQ4_KSS(146, "iq4_kss", 256, 128, 4),
    Q8_K16(147, "q8_K16", 64, 64, 20),
    Q8_K32(148, "q8_K32", 256, 296, 0),
    Q8_KR8(149, "q8_KR8", 256, 296, 0),
    Q8_K128(150, "q8_K128", 128, 140, 0),
    Q8_KV(151, "q8_KV", 32, 32, 8),
    IQ5_KS(152, "iq5_ks", 256, 168, 4),
    IQ2_KT(153, "iq2_kt", 256, 68, 4),
    IQ3_KT(154, "iq3_kt", 256, 100, 4),
    IQ4_KT(155, "iq4_kt", 256, 128, 4),
    IQ3_KS(156, "iq3_ks", 256, 102, 2),
    IQ2_KL(157, "iq2_kl", 256, 86, 2),
    IQ1_KT(158, "iq1_kt", 256, 56, 4),
    Q4_0_R8(202, "q4_0_r8", 32, 18, 0),
    Q5_0_R4(206, "q5_0_r4", 32, 22, 0),
    Q8_0_R8(208, "q8_0_r8", 32, 34, 0),
    Q2_K_R4(210, "q2_k_r4", 256, 84, 0),
    Q3_K_R4(211, "q3_k_r4", 256, 110, 0),
    Q4_K_R4(212, "q4_k_r4", 256, 144, 0),
    Q5_K_R4(213, "q5_k_r4", 256, 176, 0),
    Q6_K_R4(214, "q6_k_r4", 256, 210, 0),
    IQ2_XXS_R4(216, "iq2_xxs_r4", 256, 66, 0),
    IQ2_XS_R4(217, "iq2_xs_r4", 256, 74, 0),
    IQ3_XXS_R4(218, "iq3_xxs_r4", 256, 98, 0),
    IQ1_S_R4(219, "iq1_s_r4", 32, 6, 2),
    IQ4_NL_R4(220, "iq4_nl_r4", 32, 18, 0),
    IQ3_S_R4(221, "iq3_s_r4", 256, 110, 0),
    IQ2_S_R4(222, "iq2_s_r4", 256, 82, 0),
    IQ4_XS_R8(223, "iq4_xs_r8", 256, 136, 0),
    IQ1_M_R4(229, "iq1_m_r4", 32, 7, 2),
    BF16_R16(230, "bf16_r16", 1, 2, 0),
    Q6_0_R4(233, "q6_0_r4", 32, 26, 0),
    IQ2_BN_R4(335, "iq2_bn_r4", 64, 16, 4),
    IQ2_K_R4(337, "iq2_k_r4", 256, 76, 0),
    IQ3_K_R4(338, "iq3_k_r4", 256, 110, 0),
    IQ4_K_R4(339, "iq4_k_r4", 256, 144, 0),
    IQ5_K_R4(340, "iq5_k_r4", 256, 176, 0),
    IQ4_KS_R4(344, "iq4_ks_r4", 256, 136, 4),
    IQ5_KS_R4(352, "iq5_ks_r4", 256, 168, 4),
    MXFP4_R8(353, "mxfp4_r8", 32, 17, 0),
    Q8_K_R16(397, "q8_k_r16", 256, 258, 0),
    Q8_KV_R8(398, "q8_KV_r8", 32, 32, 4),
    Q8_K_R8(399, "q8_k_r8", 256, 258, 0);

    private static final Map<Integer, GgmlType> BY_ID = new HashMap<>();
    private static final Map<String, GgmlType> BY_NAME = new HashMap<>();

    static {
        for (GgmlType t : values()) {
            BY_ID.put(t.id, t);
            BY_NAME.put(t.typeName, t);
        }
    }

    private final int id;
    private final String typeName;
    private final int blockSize;
    private final int bytesPerBlock;
    private final int rowMetaBytes;

    GgmlType(int id, String typeName, int blockSize, int bytesPerBlock, int rowMetaBytes) {
        this.id = id;
        this.typeName = typeName;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
        this.rowMetaBytes = rowMetaBytes;
    }

    /** ggml type id as stored in GGUF tensor infos. */
    public int id() { return id; }

    /** ggml's type name, as llama-quantize's --custom-q parses it (case-sensitive, e.g. {@code q4_K}). */
    public String typeName() { return typeName; }

    /** Elements per block. */
    public int blockSize() { return blockSize; }

    /** Bytes per block. */
    public int bytesPerBlock() { return bytesPerBlock; }

    /** Bytes stored once at the start of every row (ik's per-row scale), 0 for most types. */
    public int rowMetaBytes() { return rowMetaBytes; }

    /** True for the 1-element float/int types (F32, F16, BF16, ...). */
    public boolean isUnquantized() { return blockSize == 1; }

    /** Bits per weight excluding row meta. */
    public double bitsPerWeight() { return bytesPerBlock * 8.0 / blockSize; }

    /** Bytes of one row of {@code ne0} elements; throws if ne0 is not a multiple of the block size. */
    public long rowSize(long ne0) {
        if (this == I2_S) {
            return ne0 / 4;
        }
        if (ne0 % blockSize != 0) {
            throw new IllegalArgumentException("row length " + ne0 + " is not a multiple of the block size "
                    + blockSize + " of type " + typeName);
        }
        return rowMetaBytes + (ne0 / blockSize) * (long) bytesPerBlock;
    }

    /** Type by ggml id, or an exception naming the id. */
    public static GgmlType byId(int id) {
        GgmlType t = BY_ID.get(id);
        if (t == null) {
            throw new IllegalArgumentException("unknown ggml type id " + id);
        }
        return t;
    }

    /** Type by ggml id, or null when the id is unknown. */
    public static GgmlType byIdOrNull(int id) {
        return BY_ID.get(id);
    }

    /**
     * Type by name. Accepts ggml's exact name ({@code q4_K}) and, as a convenience, any
     * case ({@code Q4_K}, {@code q4_k}); throws naming the value when unknown.
     */
    public static GgmlType byName(String name) {
        GgmlType t = BY_NAME.get(name);
        if (t != null) {
            return t;
        }
        for (GgmlType c : values()) {
            if (c.typeName.equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown ggml type '" + name + "' (expected a ggml type name such as q8_0, q4_K, iq4_xs)");
    }
}
