package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.quantarena.core.quant.QuantMath.LE_FLOAT;
import static io.quantarena.core.quant.QuantMath.fp16At;
import static io.quantarena.core.quant.QuantMath.u8;

/**
 * The non-linear 4/5/6-bit quants as the reference's integer CPU kernels see them: each weight as
 * an unsigned byte u = level + 128 of the <em>unshifted</em> level table (the shifted tables'
 * offset goes into a separate block-sum term), its sub-block's integer scale, and the block's
 * float scale, so that y = d·scale·(u − 128 + shift). Used to reproduce the int16 saturation of
 * the reference's u8 × s8 pair products (see {@code PairSaturation} in the runtime).
 */
public final class UnsignedLevelBlocks {

    /** The largest block of the covered types (IQ6_K). */
    public static final int MAX_BLOCK_BYTES = 212;
    private static final int[] IQ4_UNSIGNED = unsigned(IqkTables.IQ4K_VALUES, 16);
    private static final int[] IQ5_UNSIGNED = unsigned(IqkTables.IQ5NL_VALUES, 32);
    private static final int[] IQ6_UNSIGNED = unsigned(IqkTables.IQ6NL_VALUES, 64);

    private UnsignedLevelBlocks() {
    }

    /** Whether {@code type} is one of the types whose unsigned levels can saturate an int16 pair sum. */
    public static boolean covers(GgmlType type) {
        return switch (type) {
            case IQ4_XS, IQ4_KS, IQ4_KSS, IQ4_K, IQ5_K, IQ5_KS, IQ6_K -> true;
            default -> false;
        };
    }

    /** The largest unsigned level of {@code type}. */
    public static int maxUnsigned(GgmlType type) {
        return switch (type) {
            case IQ4_XS, IQ4_KS, IQ4_KSS, IQ4_K -> IqkTables.IQ4K_VALUES[15] + 128;
            case IQ5_K, IQ5_KS -> IqkTables.IQ5NL_VALUES[31] + 128;
            case IQ6_K -> IqkTables.IQ6NL_VALUES[63] + 128;
            default -> throw unsupported(type);
        };
    }

    /** Offset of block {@code b} of the row that starts at {@code row}. */
    public static long blockOffset(GgmlType type, long row, int b) {
        return row + type.rowMetaBytes() + (long) b * type.bytesPerBlock();
    }

    /** The float scale d of the block at {@code blk} of the row at {@code row}. */
    public static float blockScale(GgmlType type, MemorySegment w, long row, long blk) {
        return switch (type) {
            case IQ4_XS, IQ4_K, IQ5_K, IQ6_K -> fp16At(w, blk);
            case IQ4_KS, IQ4_KSS, IQ5_KS -> w.get(LE_FLOAT, row);
            default -> throw unsupported(type);
        };
    }

    /** The integer scale of element {@code e} (0…255) of the block at {@code blk}. */
    public static int scale(GgmlType type, MemorySegment w, long blk, int e) {
        return switch (type) {
            case IQ4_XS -> Iq4XsCodec.subBlockScale(w, blk, e / 32);
            case IQ4_KS, IQ5_KS -> (u8(w, blk + e / 32) & 254) - 127;
            case IQ4_KSS -> (Iq4KssCodec.scaleByte(w, blk + 16L * (e / 32)) & 254) - 127;
            case IQ4_K, IQ5_K -> Iq4KCodec.sixBitScale(w, blk, e / 16);
            case IQ6_K -> w.get(ValueLayout.JAVA_BYTE, blk + 4 + e / 16);
            default -> throw unsupported(type);
        };
    }

    /** The integer scales of the block at {@code blk} per 16 elements ({@code s[i]} for elements 16i…16i+15). */
    public static void scales16(GgmlType type, MemorySegment w, long blk, int[] s) {
        switch (type) {
            case IQ4_XS, IQ4_KS, IQ4_KSS, IQ5_KS -> {
                // one scale per 32 elements
                for (int ib = 0; ib < 8; ib++) {
                    int v = scale(type, w, blk, 32 * ib);
                    s[2 * ib] = v;
                    s[2 * ib + 1] = v;
                }
            }
            case IQ4_K, IQ5_K -> {
                for (int i = 0; i < 16; i++) {
                    s[i] = Iq4KCodec.sixBitScale(w, blk, i);
                }
            }
            case IQ6_K -> {
                for (int i = 0; i < 16; i++) {
                    s[i] = w.get(ValueLayout.JAVA_BYTE, blk + 4 + i);
                }
            }
            default -> throw unsupported(type);
        }
    }

    /**
     * The unsigned levels u = level + 128 (unshifted table) of the 256 elements of the block at
     * {@code blk}; {@code scratch} holds a copy of the block (at least {@link #MAX_BLOCK_BYTES} bytes).
     */
    public static void unsignedLevels(GgmlType type, MemorySegment w, long blk, byte[] scratch, int[] u) {
        MemorySegment.copy(w, ValueLayout.JAVA_BYTE, blk, scratch, 0, type.bytesPerBlock());
        switch (type) {
            case IQ4_XS, IQ4_KS -> nibbles(scratch, 8, u);
            case IQ4_K -> nibbles(scratch, 16, u);
            case IQ4_KSS -> {
                for (int ib = 0; ib < 8; ib++) {
                    for (int k = 0; k < 8; k++) {
                        int at = 16 * ib + 2 * k;
                        int word = ((scratch[at] & 0xFF) | (scratch[at + 1] & 0xFF) << 8) & 0xFFFE;
                        int v = word ^ (word >> 1);
                        u[32 * ib + 2 * k] = IQ4_UNSIGNED[v & 15];
                        u[32 * ib + 16 + 2 * k] = IQ4_UNSIGNED[(v >> 4) & 15];
                        u[32 * ib + 2 * k + 1] = IQ4_UNSIGNED[(v >> 8) & 15];
                        u[32 * ib + 17 + 2 * k] = IQ4_UNSIGNED[(v >> 12) & 15];
                    }
                }
            }
            case IQ5_K, IQ5_KS -> {
                int qs = type == GgmlType.IQ5_K ? 16 : 8;
                int qh = type == GgmlType.IQ5_K ? 144 : 136;
                for (int ib = 0; ib < 8; ib++) {
                    int q = qs + 32 * (ib / 2);
                    int shift = 4 * (ib % 2);
                    for (int j = 0; j < 32; j++) {
                        int idx = ((scratch[q + j] >> shift) & 15) | ((scratch[qh + j] >> ib) & 1) << 4;
                        u[32 * ib + j] = IQ5_UNSIGNED[idx];
                    }
                }
            }
            case IQ6_K -> {
                for (int ib = 0; ib < 8; ib++) {
                    int q = 20 + 32 * (ib / 2);
                    int h = 148 + 32 * (ib / 4);
                    int shift = 4 * (ib % 2);
                    int hshift = 2 * (ib % 4);
                    for (int j = 0; j < 32; j++) {
                        int idx = ((scratch[q + j] >> shift) & 15) | ((scratch[h + j] >> hshift) & 3) << 4;
                        u[32 * ib + j] = IQ6_UNSIGNED[idx];
                    }
                }
            }
            default -> throw unsupported(type);
        }
    }

    /** 16 bytes per 32-element sub-block from {@code qs} on: element j in the low nibble, 16 + j in the high one. */
    private static void nibbles(byte[] block, int qs, int[] u) {
        for (int ib = 0; ib < 8; ib++) {
            for (int j = 0; j < 16; j++) {
                int q = block[qs + 16 * ib + j];
                u[32 * ib + j] = IQ4_UNSIGNED[q & 15];
                u[32 * ib + j + 16] = IQ4_UNSIGNED[(q >> 4) & 15];
            }
        }
    }

    private static int[] unsigned(byte[] levels, int count) {
        int[] u = new int[count];
        for (int i = 0; i < count; i++) {
            u[i] = levels[i] + 128;
        }
        return u;
    }

    private static IllegalArgumentException unsupported(GgmlType type) {
        return new IllegalArgumentException("no unsigned-level layout for " + type.typeName()
                + " (expected iq4_xs, iq4_ks, iq4_kss, iq4_k, iq5_k, iq5_ks or iq6_k)");
    }
}
