package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ2_XS (spec §8.3): fp16 d, qs[32] uint16 (bits 0-8 grid index, bits 9-15 sign index of 8-group
 * g), scales[8] (4-bit scale s of 16-sub-block ib in nibble ib); y = d·(0.5 + s)/4 · ±grid.
 */
final class IQ2_XSRowKernel extends LatticeRowKernel {

    private static final long[] GRID = LatticeGridWords.IQ2XS;
    private static final int[] SIGNS = LatticeGridWords.SIGNS;
    private static final float[] HALF_STEPS = LatticeGridWords.HALF_STEPS;

    IQ2_XSRowKernel() {
        super(GgmlType.IQ2_XS);
    }

    /** The 16-bit negation mask of the two groups whose words are the halves of {@code words}. */
    private static int signs16(int words) {
        return SIGNS[(words >>> 9) & 127] | SIGNS[words >>> 25] << 8;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            float d = fp16(w, q);
            long scales = w.get(LE_LONG, q + 66);
            for (int ib = 0; ib < 16; ib++) {
                int words = w.get(LE_INT, q + 2 + 4 * ib);
                float db = d * (0.5f + ((int) (scales >>> (4 * ib)) & 15)) * 0.25f;
                ByteVector v = LongVector.zero(L128).withLane(0, GRID[words & 511]).withLane(1, GRID[(words >>> 16) & 511])
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(words)));
                for (int p = 0; p < P16; p++) {
                    ((FloatVector) v.convertShape(B2F, F, p)).mul(db).intoArray(dst, o + 16 * ib + p * FL);
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc = FloatVector.zero(F);
        long q = rowOffset;
        for (int xb = 0; xb < n; xb += QK, q += blockBytes) {
            long scales = w.get(LE_LONG, q + 66);
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            for (int ib = 0; ib < 16; ib += 2) {
                int w0 = w.get(LE_INT, q + 2 + 4 * ib), w1 = w.get(LE_INT, q + 6 + 4 * ib);
                ByteVector v0 = LongVector.zero(L128).withLane(0, GRID[w0 & 511]).withLane(1, GRID[(w0 >>> 16) & 511])
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(w0)));
                ByteVector v1 = LongVector.zero(L128).withLane(0, GRID[w1 & 511]).withLane(1, GRID[(w1 >>> 16) & 511])
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(w1)));
                int xo = xb + 16 * ib;
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                for (int p = 0; p < P16; p++) {
                    s0 = ((FloatVector) v0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                    s1 = ((FloatVector) v1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                }
                a0 = s0.fma(FloatVector.broadcast(F, HALF_STEPS[(int) (scales >>> (4 * ib)) & 15]), a0);
                a1 = s1.fma(FloatVector.broadcast(F, HALF_STEPS[(int) (scales >>> (4 * ib + 4)) & 15]), a1);
            }
            acc = a0.add(a1).fma(FloatVector.broadcast(F, fp16(w, q)), acc);
        }
        return 0.25f * sumLanes(acc);
    }
}
