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
 * IQ2_S (spec §8.4): fp16 d, qs[32] (low 8 bits of 8-group g's 10-bit grid index), signs[32]
 * (negation mask of group g), qh[8] (high index bits: bits 2g..2g+1 of the 64-bit LE word),
 * scales[8] (nibble ib: 16-sub-block scale s); y = d·(0.5 + s)/4 · ±grid.
 */
final class IQ2_SRowKernel extends LatticeRowKernel {

    private static final long[] GRID = LatticeGridWords.IQ2S;
    private static final float[] HALF_STEPS = LatticeGridWords.HALF_STEPS;

    IQ2_SRowKernel() {
        super(GgmlType.IQ2_S);
    }

    /** Grid index of group g from its low byte (bits 0-7 of {@code lowBytes}, pre-shifted) and the qh word. */
    private static int index(int lowByte, long qh, int g) {
        return lowByte & 255 | ((int) (qh >>> (2 * g)) & 3) << 8;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            float d = fp16(w, q);
            long qh = w.get(LE_LONG, q + 66);
            long scales = w.get(LE_LONG, q + 74);
            for (int ib = 0; ib < 16; ib++) {
                int lows = w.get(LE_SHORT, q + 2 + 2 * ib);
                int signs = w.get(LE_SHORT, q + 34 + 2 * ib) & 0xFFFF;
                float db = d * (0.5f + ((int) (scales >>> (4 * ib)) & 15)) * 0.25f;
                ByteVector v = LongVector.zero(L128).withLane(0, GRID[index(lows, qh, 2 * ib)])
                        .withLane(1, GRID[index(lows >>> 8, qh, 2 * ib + 1)])
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs));
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
            long qh = w.get(LE_LONG, q + 66);
            long scales = w.get(LE_LONG, q + 74);
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            for (int ib = 0; ib < 16; ib += 2) {
                int lows = w.get(LE_INT, q + 2 + 2 * ib);
                int signs = w.get(LE_INT, q + 34 + 2 * ib);
                int g = 2 * ib;
                ByteVector v0 = LongVector.zero(L128).withLane(0, GRID[index(lows, qh, g)])
                        .withLane(1, GRID[index(lows >>> 8, qh, g + 1)])
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs & 0xFFFF));
                ByteVector v1 = LongVector.zero(L128).withLane(0, GRID[index(lows >>> 16, qh, g + 2)])
                        .withLane(1, GRID[index(lows >>> 24, qh, g + 3)])
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs >>> 16));
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
