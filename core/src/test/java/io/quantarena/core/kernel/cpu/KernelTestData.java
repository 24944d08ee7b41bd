package io.quantarena.core.kernel.cpu;

import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.testsupport.SharedAssets;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

/** Weight rows for kernel tests: the reference files of testdata/quant and random blocks. */
final class KernelTestData {

    /** The formats the CPU kernels cover. */
    static final List<GgmlType> TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q6_0, GgmlType.Q2_K,
            GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS,
            GgmlType.IQ2_XXS, GgmlType.IQ2_XS, GgmlType.IQ2_S, GgmlType.IQ3_XXS, GgmlType.IQ3_S, GgmlType.IQ1_S,
            GgmlType.IQ1_M, GgmlType.IQ2_K, GgmlType.IQ2_KS, GgmlType.IQ3_K, GgmlType.IQ3_KS, GgmlType.IQ4_K,
            GgmlType.IQ4_KS, GgmlType.IQ4_KSS, GgmlType.IQ5_K, GgmlType.IQ5_KS, GgmlType.IQ6_K);

    /** Whether testdata/quant has the reference rows of {@code variant} (imatrix-only formats have no "plain"). */
    static boolean hasReference(GgmlType t, String variant) {
        return t == GgmlType.F32
                || SharedAssets.path("testdata/quant/" + fileName(t) + "." + variant + ".q").toFile().isFile();
    }

    /** testdata/quant geometry (manifest.json). */
    static final int REF_ROWS = 28;
    static final int REF_COLS = 256;

    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private KernelTestData() {
    }

    static String fileName(GgmlType t) {
        return t.name();
    }

    /** The reference-quantized rows ({@code variant} "plain" or "imatrix"); F32 is src.f32 itself. */
    static MemorySegment referenceRows(GgmlType t, String variant) {
        if (t == GgmlType.F32) {
            return MemorySegment.ofArray(SharedAssets.bytes("testdata/quant/src.f32"));
        }
        return MemorySegment.ofArray(SharedAssets.bytes("testdata/quant/" + fileName(t) + "." + variant + ".q"));
    }

    /**
     * Those rows as the reference's products see them: its dequantization, except for IQ6_K, whose
     * matrix-multiplication kernels use the int8 level table while the .deq.f32 file comes from the
     * row dequantizer's polynomial (spec §9.6); that one is checked in the quant tests.
     */
    static float[] referenceDequantized(GgmlType t, String variant) {
        if (t == GgmlType.F32) {
            return SharedAssets.floats("testdata/quant/src.f32");
        }
        if (t == GgmlType.IQ6_K) {
            MemorySegment rows = referenceRows(t, variant);
            float[] out = new float[REF_ROWS * REF_COLS];
            for (int r = 0; r < REF_ROWS; r++) {
                QuantCodecs.forType(t).dequantizeRowForProducts(rows, r * t.rowSize(REF_COLS), out, r * REF_COLS, REF_COLS);
            }
            return out;
        }
        return SharedAssets.floats("testdata/quant/" + fileName(t) + "." + variant + ".deq.f32");
    }

    /** Offsets (within a block) of the fp16 scale fields, so random blocks get finite, realistic scales. */
    static int[] halfScaleOffsets(GgmlType t) {
        return switch (t) {
            case Q4_0, Q5_0, Q8_0, Q6_0, IQ4_NL, IQ4_XS, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ2_K, IQ3_K,
                 IQ4_K, IQ5_K, IQ6_K -> new int[]{0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[]{0, 2};
            case Q2_K -> new int[]{80, 82};
            case Q3_K -> new int[]{108};
            case Q6_K -> new int[]{208};
            default -> new int[0];
        };
    }

    /** {@code rows} rows of {@code cols} elements of random blocks with finite scales. */
    static MemorySegment randomRows(GgmlType t, int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        long rowBytes = t.rowSize(cols);
        byte[] b = new byte[(int) (rows * rowBytes)];
        MemorySegment s = MemorySegment.ofArray(b);
        if (t.isUnquantized()) {
            for (int i = 0; i < rows * cols; i++) {
                float v = (float) rnd.nextGaussian();
                switch (t) {
                    case F32 -> s.set(LE_FLOAT, 4L * i, v);
                    case F16 -> s.set(LE_SHORT, 2L * i, Float.floatToFloat16(v));
                    case BF16 -> s.set(LE_SHORT, 2L * i, (short) (Float.floatToRawIntBits(v) >>> 16));
                    default -> throw new IllegalArgumentException(t.typeName());
                }
            }
            return s;
        }
        rnd.nextBytes(b);
        if (t.rowMetaBytes() > 0) {
            // every block byte of these formats is valid; only the row scale must be a sane number
            for (int r = 0; r < rows; r++) {
                float v = (float) (rnd.nextGaussian() * 1e-3);
                if (t.rowMetaBytes() == 2) {
                    s.set(LE_SHORT, r * rowBytes, Float.floatToFloat16(v));
                } else {
                    s.set(LE_FLOAT, r * rowBytes, v);
                }
            }
            return s;
        }
        int[] scales = halfScaleOffsets(t);
        for (long blk = 0; blk < b.length / t.bytesPerBlock(); blk++) {
            long at = blk * t.bytesPerBlock();
            if (t == GgmlType.IQ1_M) {
                // the fp16 d is spread over the top nibbles of the four scale words at offset 48
                short d = Float.floatToFloat16((float) (rnd.nextGaussian() * 0.01));
                for (int i = 0; i < 4; i++) {
                    int word = s.get(LE_SHORT, at + 48 + 2L * i) & 0x0FFF | ((d >>> (4 * i)) & 0xF) << 12;
                    s.set(LE_SHORT, at + 48 + 2L * i, (short) word);
                }
            }
            for (int off : scales) {
                float v = (float) (rnd.nextGaussian() * 0.01);
                s.set(LE_SHORT, at + off, Float.floatToFloat16(v));
            }
        }
        return s;
    }

    static float[] gaussian(int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    /** |actual − expected| relative to Σ|a_i·b_i| (absolute when that is 0, e.g. an all-zero row). */
    static double relativeError(float actual, float expected, double magnitude) {
        double diff = Math.abs((double) actual - expected);
        return magnitude == 0 ? diff : diff / magnitude;
    }

    /** Σ|a_i·b_i| in double: the scale against which a float dot product's rounding is judged. */
    static double magnitude(float[] a, int aOff, float[] b, int bOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs((double) a[aOff + i] * b[bOff + i]);
        }
        return s;
    }
}
