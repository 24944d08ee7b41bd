package io.quantarena.core.kernel.bench;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Synthetic weight matrices for benchmarks: random block bytes with finite, realistic fp16 scales
 * (so no NaN/Inf slows the arithmetic), generated once as a 64 KiB pattern and tiled.
 */
public final class BenchWeights {

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BenchWeights() {
    }

    /** A {@code rows × cols} matrix of {@code type} owned by {@code arena}, in huge pages where possible ({@link HugePageMemory}). */
    public static MemorySegment random(GgmlType type, long rows, int cols, Arena arena, long seed) {
        long rowBytes = type.rowSize(cols);
        MemorySegment m = HugePageMemory.allocate(rows * rowBytes, arena);
        int unit = type.isUnquantized() ? 4 : type.bytesPerBlock();
        int patternBytes = (65536 / unit) * unit;
        MemorySegment pattern = pattern(type, patternBytes, seed);
        long total = rows * rowBytes;
        for (long o = 0; o < total; o += patternBytes) {
            MemorySegment.copy(pattern, 0, m, o, Math.min(patternBytes, total - o));
        }
        if (type.rowMetaBytes() > 0) {
            Random rnd = new Random(seed + 1);
            for (long r = 0; r < rows; r++) {
                setRowScale(type, m, r * rowBytes, (float) (rnd.nextGaussian() * 1e-3));
            }
        }
        return m;
    }

    private static MemorySegment pattern(GgmlType t, int bytes, long seed) {
        Random rnd = new Random(seed);
        byte[] b = new byte[bytes];
        MemorySegment s = MemorySegment.ofArray(b);
        if (t.isUnquantized()) {
            int width = t == GgmlType.F32 ? 4 : 2;
            for (int i = 0; i < bytes / width; i++) {
                float v = (float) rnd.nextGaussian();
                switch (t) {
                    case F32 -> s.set(LE_FLOAT, 4L * i, v);
                    case F16 -> s.set(LE_SHORT, 2L * i, Float.floatToFloat16(v));
                    case BF16 -> s.set(LE_SHORT, 2L * i, (short) (Float.floatToRawIntBits(v) >>> 16));
                    default -> throw new IllegalArgumentException("no synthetic data for " + t.typeName());
                }
            }
            return s;
        }
        rnd.nextBytes(b);
        if (t.rowMetaBytes() > 0) {
            return s; // every byte of these blocks is a valid index or scale; the row scale is set per row
        }
        for (long blk = 0; blk < bytes / t.bytesPerBlock(); blk++) {
            long at = blk * t.bytesPerBlock();
            if (t == GgmlType.IQ1_M) {
                splitIq1mScale(s, at, Float.floatToFloat16((float) (rnd.nextGaussian() * 0.01)));
                continue;
            }
            for (int off : scaleOffsets(t)) {
                s.set(LE_SHORT, at + off, Float.floatToFloat16((float) (rnd.nextGaussian() * 0.01)));
            }
        }
        return s;
    }

    /** Writes the row scale that starts a row of a row-meta format (fp16 or float32, by its size). */
    static void setRowScale(GgmlType t, MemorySegment m, long rowStart, float v) {
        switch (t.rowMetaBytes()) {
            case 2 -> m.set(LE_SHORT, rowStart, Float.floatToFloat16(v));
            case 4 -> m.set(LE_FLOAT, rowStart, v);
            default -> throw new IllegalArgumentException("no row scale layout for " + t.typeName());
        }
    }

    /** IQ1_M keeps its fp16 super-block scale in the top nibbles of the four scale words at offset 48 (spec §8.8). */
    static void splitIq1mScale(MemorySegment s, long block, short fp16) {
        for (int i = 0; i < 4; i++) {
            long at = block + 48 + 2L * i;
            int word = s.get(LE_SHORT, at) & 0x0FFF | ((fp16 >>> (4 * i)) & 0xF) << 12;
            s.set(LE_SHORT, at, (short) word);
        }
    }

    private static int[] scaleOffsets(GgmlType t) {
        return switch (t) {
            case Q4_0, Q5_0, Q8_0, Q6_0, IQ4_NL, IQ4_XS, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ2_K, IQ3_K,
                 IQ4_K, IQ5_K, IQ6_K -> new int[]{0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[]{0, 2};
            case Q2_K -> new int[]{80, 82};
            case Q3_K -> new int[]{108};
            case Q6_K -> new int[]{208};
            default -> throw new IllegalArgumentException("no synthetic data for " + t.typeName());
        };
    }

    /** An importance matrix of ones, for the formats whose quantizer requires one (IQ2_XXS, IQ2_XS, IQ1_S). */
    public static float[] uniformImatrix(int cols) {
        float[] w = new float[cols];
        java.util.Arrays.fill(w, 1f);
        return w;
    }

    public static float[] gaussian(int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }
}
