package io.quantarena.core.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Scalar helpers shared by all quant codecs: half-precision conversions, ggml's rounding
 * functions, the importance-weight formulas (spec/quant-types.md §1, §2.1, §4) and
 * little-endian access to block fields. Codecs use these rather than local copies.
 */
public final class QuantMath {

    /** Little-endian unaligned layouts for reading/writing block fields in memory segments. */
    public static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The fp16 bit pattern ggml writes for any NaN. */
    public static final short FP16_NAN = 0x7E00;

    private QuantMath() {
    }

    /** fp16 bits to float (exact). */
    public static float fp16ToFloat(short h) {
        return Float.float16ToFloat(h);
    }

    /** float to fp16 bits like {@code GGML_FP32_TO_FP16}: round-to-nearest-even, overflow to ±Inf, NaN to 0x7E00. */
    public static short floatToFp16(float f) {
        // Java keeps NaN payload bits; ggml writes one canonical quiet NaN.
        return Float.isNaN(f) ? FP16_NAN : Float.floatToFloat16(f);
    }

    /** bf16 bits to float (exact). */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /** float to bf16 bits: round-to-nearest-even on the upper half; a NaN keeps its upper bits and is made quiet. */
    public static short floatToBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((u >>> 16) | 0x40);
        }
        return (short) ((u + 0x7FFF + ((u >>> 16) & 1)) >>> 16);
    }

    /** ggml's {@code nearest_int}: round to nearest, ties to even (the reference is valid for |x| < 2^22). */
    public static int nearestInt(float x) {
        return (int) Math.rint(x);
    }

    /**
     * {@code nearest_int(a*b)} as the reference binary computes it: the compiler fuses the
     * product into the rounding constant, so the exact product is rounded (spec §1.1
     * "RNE-exact"). A float×float product is exact in double.
     */
    public static int nearestIntOfProduct(float a, float b) {
        return (int) Math.rint((double) a * (double) b);
    }

    /** clamp(v, lo, hi) = min(max(v, lo), hi) (spec §1). */
    public static int clamp(int v, int lo, int hi) {
        return Math.min(Math.max(v, lo), hi);
    }

    /**
     * The l of the odd level 2l+1 nearest to {@code id·v}: clamp(nearest_int(0.5·(id·v − 1)), 0, max).
     * Lattice codes (§8.1) and the odd sub-block scales of the i-quants and IQ3_K are stored this way.
     */
    static int oddLevel(float id, float v, int max) {
        return clamp(nearestInt(0.5f * (id * v - 1)), 0, max);
    }

    /** C {@code roundf}: round half away from zero (Math.round differs for negative halves). */
    public static int roundHalfAwayFromZero(float x) {
        // in double, |x| + 0.5 is exact for the magnitudes used here (no float rounding up to the next integer)
        double r = Math.floor(Math.abs((double) x) + 0.5);
        return (int) (x < 0 ? -r : r);
    }

    /** The element of largest magnitude, signed (first one wins on ties), as the reference's {@code max}. */
    public static float signedMaxAbs(float[] x, int off, int n) {
        float amax = 0;
        float max = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            float a = Math.abs(v);
            if (a > amax) {
                amax = a;
                max = v;
            }
        }
        return max;
    }

    /** max |x| over n elements. */
    public static float maxAbs(float[] x, int off, int n) {
        float amax = 0;
        for (int i = 0; i < n; i++) {
            amax = Math.max(amax, Math.abs(x[off + i]));
        }
        return amax;
    }

    /** Σ x² in index order with each square rounded before the addition (the reference's plain sum). */
    public static float sumOfSquares(float[] x, int off, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            s += v * v;
        }
        return s;
    }

    /**
     * Importance weights {@code w = qw·√(σ² + x²)} (spec §2.1) into {@code w[wOff … wOff+n)}.
     * {@code fusedSquare} selects the reference binary's {@code √fma(x, x, σ²)} (IQ4_NL/IQ4_XS,
     * IQ4_KS, the K-quants' recipe R2) instead of a rounded square (what the legacy Q4_0…Q6_0
     * imatrix paths and the other i-quants match the reference data with).
     */
    public static void sigmaWeights(float[] x, int xOff, float[] qw, int qwOff, float sigma2, boolean fusedSquare,
                                    float[] w, int wOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            float s = fusedSquare ? Math.fma(v, v, sigma2) : sigma2 + v * v;
            w[wOff + i] = qw[qwOff + i] * (float) Math.sqrt(s);
        }
    }

    /**
     * The per-element weights of spec §4 into {@code w[wOff … wOff+n)}: with an imatrix
     * ({@code qw} not null) {@link #sigmaWeights}; without one x², or ¼σ² + x² where
     * {@code quarterSigmaDefault} (IQ2_XXS, IQ2_XS, IQ2_S, IQ2_K, IQ2_KS, IQ3_K, IQ5_K, IQ6_K).
     */
    static void importanceWeights(float[] x, int xOff, float[] qw, int qwOff, float sigma2, boolean fusedSquare,
                                  boolean quarterSigmaDefault, float[] w, int wOff, int n) {
        if (qw != null) {
            sigmaWeights(x, xOff, qw, qwOff, sigma2, fusedSquare, w, wOff, n);
            return;
        }
        float quarter = 0.25f * sigma2;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            w[wOff + i] = quarterSigmaDefault ? quarter + v * v : v * v;
        }
    }

    /** Default weights {@code w = x²} used by several quantizers when no imatrix is given. */
    public static void squareWeights(float[] x, int xOff, float[] w, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            w[i] = v * v;
        }
    }

    /** The unsigned byte at {@code off}. */
    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    /** The little-endian fp16 at {@code off}, as float. */
    static float fp16At(MemorySegment s, long off) {
        return fp16ToFloat(s.get(LE_SHORT, off));
    }

    /** The little-endian fp16 at {@code b[off]}, as float. */
    static float fp16At(byte[] b, int off) {
        return fp16ToFloat((short) ((b[off] & 0xFF) | (b[off + 1] << 8)));
    }

    /** Writes {@code v} as little-endian fp16 ({@link #floatToFp16}) at {@code b[off]}. */
    static void putFp16(byte[] b, int off, float v) {
        putShortLE(b, off, floatToFp16(v));
    }

    /** Writes {@code v} little-endian at {@code b[off]}, {@code b[off+1]}. */
    public static void putShortLE(byte[] b, int off, short v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >> 8);
    }

    /** Writes {@code v} little-endian at {@code b[off .. off+3]}. */
    public static void putIntLE(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >> 8);
        b[off + 2] = (byte) (v >> 16);
        b[off + 3] = (byte) (v >> 24);
    }

    /** Writes the bits of {@code v} little-endian at {@code b[off .. off+3]}. */
    static void putFloatLE(byte[] b, int off, float v) {
        putIntLE(b, off, Float.floatToRawIntBits(v));
    }
}
