package io.quantarena.core.kernel.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Species and small scalar helpers shared by the CPU kernels. Block formats are decoded in groups
 * of 16 elements held in one 128-bit byte vector; a group is widened to {@link #P16} float vectors
 * of the preferred species (one on AVX-512, two on AVX2), so the same kernel code serves both.
 *
 * <p>Performance rule for all kernels: no vector value crosses a method boundary of ours. C2 only
 * keeps vectors in registers when every call on the path is inlined; a helper that returns a
 * vector and fails to inline (size, stack or node-count limits, or compiled on its own first)
 * boxes every vector and runs ~100x slower. The vector code is therefore written out in place.
 */
final class VectorSupport {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int FL = F.length();
    /** Float vectors per 16-element group. */
    static final int P16 = Math.max(1, 16 / FL);
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** 512-bit species of the {@link WideRowKernel}s (16 lanes; used only where {@link #WIDE}). */
    static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    /** Whether this machine's preferred vectors are 512 bits wide, so that the wide kernels compile to single instructions. */
    static final boolean WIDE = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final VectorSpecies<Long> L128 = LongVector.SPECIES_128;
    static final VectorOperators.Conversion<Byte, Float> B2F = VectorOperators.B2F;
    static final VectorOperators.Conversion<Integer, Float> I2F = VectorOperators.I2F;
    static final VectorOperators.Binary LSHR = VectorOperators.LSHR;
    static final VectorOperators.Binary LSHL = VectorOperators.LSHL;
    static final VectorOperators.Binary ROL = VectorOperators.ROL;
    static final VectorOperators.Associative ADD = VectorOperators.ADD;
    /** Shorts of one float vector's lane count (for F16/BF16 rows). */
    static final VectorSpecies<Short> S_FL = VectorSpecies.of(short.class, VectorShape.forBitSize(FL * 16));
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    // Shuffles of a lane sum in a fixed tree order: lane i with lane i ^ k for k = 8, 4, 2, 1 (as far
    // as the vector is wide). Static finals, so that C2 sees constants.
    static final VectorShuffle<Float> XOR_8 = VectorShuffle.fromOp(F, i -> (i ^ 8) & (FL - 1));
    static final VectorShuffle<Float> XOR_4 = VectorShuffle.fromOp(F, i -> (i ^ 4) & (FL - 1));
    static final VectorShuffle<Float> XOR_2 = VectorShuffle.fromOp(F, i -> i ^ 2);
    static final VectorShuffle<Float> XOR_1 = VectorShuffle.fromOp(F, i -> i ^ 1);
    /** The same tree order on 16 lanes, for the wide kernels (which write the sum out in place). */
    static final VectorShuffle<Float> X16_8 = VectorShuffle.fromOp(F16, i -> i ^ 8), X16_4 = VectorShuffle.fromOp(F16, i -> i ^ 4),
            X16_2 = VectorShuffle.fromOp(F16, i -> i ^ 2), X16_1 = VectorShuffle.fromOp(F16, i -> i ^ 1);

    /** Shuffles broadcasting lane j (j mod FL) to every lane, for per-sub-block scales held in one vector. */
    static final VectorShuffle<Float> LANE_0 = broadcastLane(0), LANE_1 = broadcastLane(1), LANE_2 = broadcastLane(2),
            LANE_3 = broadcastLane(3), LANE_4 = broadcastLane(4), LANE_5 = broadcastLane(5), LANE_6 = broadcastLane(6),
            LANE_7 = broadcastLane(7);

    private static VectorShuffle<Float> broadcastLane(int j) {
        return VectorShuffle.fromOp(F, i -> j % FL);
    }

    static {
        if (FL > 16 || 16 % FL != 0) {
            throw new IllegalStateException("unsupported float vector length " + FL + " (expected 4, 8 or 16 lanes)");
        }
    }

    private VectorSupport() {
    }

    /**
     * Σ lanes of {@code v} in a fixed tree order. {@code reduceLanes(ADD)} adds lane by lane when
     * interpreted and as a tree once C2 compiles it, so a dot product would change with JIT state;
     * lanewise adds of constant shuffles give the same bits in every tier. Small enough that C2
     * always inlines it (the vector is not boxed).
     */
    static float sumLanes(FloatVector v) {
        if (FL >= 16) {
            v = v.add(v.rearrange(XOR_8));
        }
        if (FL >= 8) {
            v = v.add(v.rearrange(XOR_4));
        }
        v = v.add(v.rearrange(XOR_2));
        v = v.add(v.rearrange(XOR_1));
        return v.lane(0);
    }

    static float fp16(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(LE_SHORT, off));
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
