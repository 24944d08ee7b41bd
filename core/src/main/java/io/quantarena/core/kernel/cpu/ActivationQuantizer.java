package io.quantarena.core.kernel.cpu;

import io.quantarena.core.kernel.QuantizedVector;
import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Vectorized quantization of activations to Q8_0 and Q8_K the way the reference runtime does it
 * (not the file quantizers): d = amax/127, q = round-half-even(x·(127/amax)) for Q8_K (spec §6.6
 * {@code iqk_quantize_row_q8_K}); Q8_0 likewise per 32-block with d stored as fp16 and
 * q = round-half-even(x/d) (the AVX runtime rounds to nearest-even, not {@code roundf}).
 */
public final class ActivationQuantizer {

    /** 1.5·2^23: adding and subtracting it rounds a float with |v| < 2^22 to nearest-even. */
    private static final float RNE_MAGIC = 12582912f;
    private static final int Q8_0_BYTES = 34;
    private static final int Q8_K_BYTES = 296;
    private static final VectorSpecies<Byte> B_FL = VectorSpecies.of(byte.class, VectorShape.forBitSize(FL * 8));

    private ActivationQuantizer() {
    }

    /** Quantizes {@code dst.count()} rows of {@code dst.n()} floats from {@code x}. */
    public static void quantize(float[] x, QuantizedVector dst) {
        int n = dst.n();
        if (x.length < (long) n * dst.count()) {
            throw new IllegalArgumentException("activation array of " + x.length + " floats is shorter than "
                    + dst.count() + " x " + n);
        }
        for (int r = 0; r < dst.count(); r++) {
            long off = r * dst.vectorBytes();
            if (dst.type() == GgmlType.Q8_0) {
                quantizeQ8_0(x, r * n, n, dst.data(), off);
            } else {
                quantizeQ8_K(x, r * n, n, dst.data(), off);
            }
        }
    }

    /** Decodes row {@code row} of {@code src} into {@code dst[0..n)}. */
    public static void dequantize(QuantizedVector src, int row, float[] dst) {
        MemorySegment s = src.data();
        long off = row * src.vectorBytes();
        int n = src.n();
        boolean q80 = src.type() == GgmlType.Q8_0;
        int block = q80 ? 32 : 256;
        long bytes = q80 ? Q8_0_BYTES : Q8_K_BYTES;
        for (int b = 0; b < n / block; b++, off += bytes) {
            float d = q80 ? fp16(s, off) : s.get(LE_FLOAT, off);
            long qs = off + (q80 ? 2 : 8);
            for (int g = 0; g < block / 16; g++) {
                ByteVector v = ByteVector.fromMemorySegment(B128, s, qs + 16 * g, LE);
                for (int p = 0; p < P16; p++) {
                    ((FloatVector) v.convertShape(B2F, F, p)).mul(d).intoArray(dst, block * b + 16 * g + p * FL);
                }
            }
        }
    }

    private static float absMax(float[] x, int off, int n) {
        FloatVector m = FloatVector.zero(F);
        for (int i = 0; i < n; i += FL) {
            m = m.max(FloatVector.fromArray(F, x, off + i).abs());
        }
        return m.reduceLanes(VectorOperators.MAX);
    }

    /** Writes round-half-even(x·scale) for 16 elements as int8 at {@code dst}; returns their sum. */
    private static int quantize16(float[] x, int off, float scale, MemorySegment dst, long at) {
        int sum = 0;
        for (int p = 0; p < P16; p++) {
            FloatVector v = FloatVector.fromArray(F, x, off + p * FL).mul(scale).add(RNE_MAGIC).sub(RNE_MAGIC);
            IntVector q = (IntVector) v.convert(VectorOperators.F2I, 0);
            sum += q.reduceLanes(VectorOperators.ADD);
            q.convertShape(VectorOperators.I2B, B_FL, 0).reinterpretAsBytes().intoMemorySegment(dst, at + (long) p * FL, LE);
        }
        return sum;
    }

    private static void quantizeQ8_0(float[] x, int xOff, int n, MemorySegment dst, long off) {
        for (int b = 0; b < n / 32; b++, off += Q8_0_BYTES) {
            int o = xOff + 32 * b;
            float amax = absMax(x, o, 32);
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            dst.set(LE_SHORT, off, Float.floatToFloat16(d));
            quantize16(x, o, id, dst, off + 2);
            quantize16(x, o + 16, id, dst, off + 18);
        }
    }

    private static void quantizeQ8_K(float[] x, int xOff, int n, MemorySegment dst, long off) {
        for (int b = 0; b < n / 256; b++, off += Q8_K_BYTES) {
            int o = xOff + 256 * b;
            float amax = absMax(x, o, 256);
            if (amax == 0) {
                dst.asSlice(off, Q8_K_BYTES).fill((byte) 0);
                continue;
            }
            float iscale = 127f / amax;
            float d = amax / 127f;
            int total = 0;
            for (int g = 0; g < 16; g++) {
                int s = quantize16(x, o + 16 * g, iscale, dst, off + 8 + 16 * g);
                dst.set(LE_SHORT, off + 264 + 2 * g, (short) s);
                total += s;
            }
            dst.set(LE_FLOAT, off, d);
            dst.set(LE_FLOAT, off + 4, d * total);
        }
    }

    static void checkActivation(QuantizedVector x, long cols) {
        if (x.n() != cols) {
            throw new IllegalArgumentException("quantized activation length " + x.n() + " does not match the "
                    + cols + " matrix columns");
        }
    }
}
