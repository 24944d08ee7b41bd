package io.quantarena.core.quant;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Scalar helpers shared by the quant codecs: half-precision conversions, ggml's rounding
 * functions and the importance-weight formulas (spec/quant-types.md §1, §2.1, §4).
 */
public final class QuantMath {

    /** Little-endian unaligned layouts for reading/writing block fields in memory segments. */
    public static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

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
     * Importance weights {@code w = qw·√(σ² + x²)} (spec §2.1). {@code fusedSquare} selects the
     * reference binary's {@code √fma(x, x, σ²)} (IQ4_NL/IQ4_XS, the K-quants' recipe R2) instead
     * of a rounded square (what the legacy Q4_0…Q6_0 imatrix paths match the reference data with).
     */
    public static void sigmaWeights(float[] x, int xOff, float[] qw, int qwOff, float sigma2, boolean fusedSquare,
                                    float[] w, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            float s = fusedSquare ? Math.fma(v, v, sigma2) : sigma2 + v * v;
            w[i] = qw[qwOff + i] * (float) Math.sqrt(s);
        }
    }

    /** Default weights {@code w = x²} used by several quantizers when no imatrix is given. */
    public static void squareWeights(float[] x, int xOff, float[] w, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            w[i] = v * v;
        }
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
}
