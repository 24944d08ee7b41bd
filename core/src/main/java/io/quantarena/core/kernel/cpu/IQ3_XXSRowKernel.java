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
 * IQ3_XXS (spec §8.5): fp16 d, qs[64] (8 grid indices per 32-sub-block, 4 elements each), then per
 * sub-block a word of four 7-bit sign indices (one per 8 elements) and the scale s in bits 28-31;
 * y = d·(0.5 + s)/2 · ±grid.
 */
final class IQ3_XXSRowKernel extends LatticeRowKernel {

    private static final int[] GRID = LatticeGridWords.IQ3XXS;
    private static final int[] SIGNS = LatticeGridWords.SIGNS;
    private static final float[] HALF_STEPS = LatticeGridWords.HALF_STEPS;

    IQ3_XXSRowKernel() {
        super(GgmlType.IQ3_XXS);
    }

    /** Two 4-element grid entries (index bytes {@code k} and {@code k+1} of {@code indices}) as one 8-byte word. */
    private static long pair(int indices, int k) {
        return GRID[(indices >>> (8 * k)) & 255] & 0xFFFF_FFFFL | (long) GRID[(indices >>> (8 * k + 8)) & 255] << 32;
    }

    private static int signs16(int bits, int h) {
        return SIGNS[(bits >>> (14 * h)) & 127] | SIGNS[(bits >>> (14 * h + 7)) & 127] << 8;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            float d = fp16(w, q);
            for (int ib = 0; ib < 8; ib++) {
                int bits = w.get(LE_INT, q + 66 + 4 * ib);
                float db = d * (0.5f + (bits >>> 28)) * 0.5f;
                for (int h = 0; h < 2; h++) {
                    int indices = w.get(LE_INT, q + 2 + 8 * ib + 4 * h);
                    ByteVector v = LongVector.zero(L128).withLane(0, pair(indices, 0)).withLane(1, pair(indices, 2))
                            .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(bits, h)));
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
                int bits0 = w.get(LE_INT, q + 66 + 4 * ib), bits1 = w.get(LE_INT, q + 70 + 4 * ib);
                long idx = w.get(LE_LONG, q + 2 + 8 * ib), idx1 = w.get(LE_LONG, q + 10 + 8 * ib);
                int i00 = (int) idx, i01 = (int) (idx >>> 32), i10 = (int) idx1, i11 = (int) (idx1 >>> 32);
                ByteVector v00 = LongVector.zero(L128).withLane(0, pair(i00, 0)).withLane(1, pair(i00, 2))
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(bits0, 0)));
                ByteVector v01 = LongVector.zero(L128).withLane(0, pair(i01, 0)).withLane(1, pair(i01, 2))
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(bits0, 1)));
                ByteVector v10 = LongVector.zero(L128).withLane(0, pair(i10, 0)).withLane(1, pair(i10, 2))
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(bits1, 0)));
                ByteVector v11 = LongVector.zero(L128).withLane(0, pair(i11, 0)).withLane(1, pair(i11, 2))
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs16(bits1, 1)));
                int xo = xb + 32 * ib;
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                for (int p = 0; p < P16; p++) {
                    s0 = ((FloatVector) v00.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                    s0 = ((FloatVector) v01.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s0);
                    s1 = ((FloatVector) v10.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 32 + p * FL), s1);
                    s1 = ((FloatVector) v11.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 48 + p * FL), s1);
                }
                a0 = s0.fma(FloatVector.broadcast(F, HALF_STEPS[bits0 >>> 28]), a0);
                a1 = s1.fma(FloatVector.broadcast(F, HALF_STEPS[bits1 >>> 28]), a1);
            }
            acc = a0.add(a1).fma(FloatVector.broadcast(F, fp16(w, q)), acc);
        }
        return 0.5f * sumLanes(acc);
    }
}
