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
 * IQ2_XXS (spec §8.2): fp16 d, then per 32-sub-block a word of four grid indices and a word of
 * four 7-bit sign indices plus the 4-bit scale s; y = d·(0.5 + s)/4 · ±grid.
 */
final class IQ2_XXSRowKernel extends LatticeRowKernel {

    private static final long[] GRID = LatticeGridWords.IQ2XXS;
    private static final int[] SIGNS = LatticeGridWords.SIGNS;
    private static final float[] HALF_STEPS = LatticeGridWords.HALF_STEPS;

    IQ2_XXSRowKernel() {
        super(GgmlType.IQ2_XXS);
    }

    /** The 16-bit negation mask of groups 2h, 2h+1 of a sub-block's sign/scale word. */
    private static int signs16(int bits, int h) {
        return SIGNS[(bits >>> (14 * h)) & 127] | SIGNS[(bits >>> (14 * h + 7)) & 127] << 8;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            float d = fp16(w, q);
            for (int ib = 0; ib < 8; ib++) {
                int grids = w.get(LE_INT, q + 2 + 8 * ib);
                int bits = w.get(LE_INT, q + 6 + 8 * ib);
                float db = d * (0.5f + (bits >>> 28)) * 0.25f;
                for (int h = 0; h < 2; h++) {
                    ByteVector v = LongVector.zero(L128)
                            .withLane(0, GRID[(grids >>> (16 * h)) & 255])
                            .withLane(1, GRID[(grids >>> (16 * h + 8)) & 255]).reinterpretAsBytes()
                            .lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(bits, h)));
                    for (int p = 0; p < P16; p++) {
                        ((FloatVector) v.convertShape(B2F, F, p)).mul(db).intoArray(dst, o + 32 * ib + 16 * h + p * FL);
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc = FloatVector.zero(F);
        long q = rowOffset;
        for (int xb = 0; xb < n; xb += QK, q += blockBytes) {
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            for (int ib = 0; ib < 8; ib += 2) {
                int g0 = w.get(LE_INT, q + 2 + 8 * ib), b0 = w.get(LE_INT, q + 6 + 8 * ib);
                int g1 = w.get(LE_INT, q + 10 + 8 * ib), b1 = w.get(LE_INT, q + 14 + 8 * ib);
                ByteVector v00 = LongVector.zero(L128).withLane(0, GRID[g0 & 255]).withLane(1, GRID[(g0 >>> 8) & 255])
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(b0, 0)));
                ByteVector v01 = LongVector.zero(L128).withLane(0, GRID[(g0 >>> 16) & 255]).withLane(1, GRID[g0 >>> 24])
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(b0, 1)));
                ByteVector v10 = LongVector.zero(L128).withLane(0, GRID[g1 & 255]).withLane(1, GRID[(g1 >>> 8) & 255])
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(b1, 0)));
                ByteVector v11 = LongVector.zero(L128).withLane(0, GRID[(g1 >>> 16) & 255]).withLane(1, GRID[g1 >>> 24])
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(b1, 1)));
                int xo = xb + 32 * ib;
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                for (int p = 0; p < P16; p++) {
                    s0 = ((FloatVector) v00.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                    s0 = ((FloatVector) v01.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s0);
                    s1 = ((FloatVector) v10.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 32 + p * FL), s1);
                    s1 = ((FloatVector) v11.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 48 + p * FL), s1);
                }
                a0 = s0.fma(FloatVector.broadcast(F, HALF_STEPS[b0 >>> 28]), a0);
                a1 = s1.fma(FloatVector.broadcast(F, HALF_STEPS[b1 >>> 28]), a1);
            }
            acc = a0.add(a1).fma(FloatVector.broadcast(F, fp16(w, q)), acc);
        }
        return 0.25f * sumLanes(acc);
    }
}
