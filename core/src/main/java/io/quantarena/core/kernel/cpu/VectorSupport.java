package io.quantarena.core.kernel.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Species and small helpers shared by the CPU kernels. Block formats are decoded in groups of 16
 * elements held in one 128-bit byte vector; a group is widened to {@link #P16} float vectors of
 * the preferred species (one on AVX-512, two on AVX2), so the same kernel code serves both.
 */
final class VectorSupport {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int FL = F.length();
    /** Float vectors per 16-element group. */
    static final int P16 = Math.max(1, 16 / FL);
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    /** Shorts of one float vector's lane count (for F16/BF16 rows). */
    static final VectorSpecies<Short> S_FL = VectorSpecies.of(short.class, VectorShape.forBitSize(FL * 16));
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    static {
        if (FL > 16 || 16 % FL != 0) {
            throw new IllegalStateException("unsupported float vector length " + FL + " (expected 4, 8 or 16 lanes)");
        }
    }

    private VectorSupport() {
    }

    static float fp16(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(LE_SHORT, off));
    }

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    static ByteVector load16(MemorySegment s, long off) {
        return ByteVector.fromMemorySegment(B128, s, off, LE);
    }

    /** Part {@code part} (of {@link #P16}) of a 16-byte group as floats (bytes read as signed). */
    static FloatVector toFloats(ByteVector group, int part) {
        return (FloatVector) group.convertShape(VectorOperators.B2F, F, part);
    }

    /** Part {@code part} of a 16-byte group as ints (bytes read as signed). */
    static IntVector toInts(ByteVector group, int part) {
        return (IntVector) group.convertShape(VectorOperators.B2I, I, part);
    }

    /** {@code Σ group·x[xOff..xOff+16)} as a vector (lanes to be reduced later). */
    static FloatVector dot16(ByteVector group, float[] x, int xOff, FloatVector acc) {
        for (int p = 0; p < P16; p++) {
            acc = toFloats(group, p).fma(FloatVector.fromArray(F, x, xOff + p * FL), acc);
        }
        return acc;
    }

    /** Stores {@code scale·group} to {@code dst[off..off+16)}. */
    static void store16(ByteVector group, float scale, float[] dst, int off) {
        for (int p = 0; p < P16; p++) {
            toFloats(group, p).mul(scale).intoArray(dst, off + p * FL);
        }
    }

    /** Stores {@code scale·group + bias} to {@code dst[off..off+16)}. */
    static void store16(ByteVector group, float scale, float bias, float[] dst, int off) {
        for (int p = 0; p < P16; p++) {
            toFloats(group, p).fma(scale, bias).intoArray(dst, off + p * FL);
        }
    }

    /** Sums of x over consecutive 16-element groups ({@code n/16} values; n a multiple of 16). */
    static void sums16(float[] x, int xOff, int n, float[] out) {
        for (int g = 0; g < n / 16; g++) {
            FloatVector s = FloatVector.fromArray(F, x, xOff + 16 * g);
            for (int p = 1; p < P16; p++) {
                s = s.add(FloatVector.fromArray(F, x, xOff + 16 * g + p * FL));
            }
            out[g] = s.reduceLanes(VectorOperators.ADD);
        }
    }

    /** A 16-byte group made of two little-endian longs (bytes 0-7 from {@code lo}, 8-15 from {@code hi}). */
    static ByteVector bytes(long lo, long hi) {
        return LongVector.broadcast(LongVector.SPECIES_128, lo).withLane(1, hi).reinterpretAsBytes();
    }

    /** Bit {@code i} of {@code bits} (i < 8) → value {@code 16} or {@code 0} in byte i (a 5th quant bit). */
    static long spreadBitsTimes16(long bits) {
        return Long.expand(bits, 0x1010101010101010L);
    }

    static void checkBlocks(String type, int col, int n, int block) {
        if (col % block != 0 || n % block != 0) {
            throw new IllegalArgumentException(type + ": column range [" + col + ", " + (col + n)
                    + ") is not aligned to the block size " + block);
        }
    }
}
