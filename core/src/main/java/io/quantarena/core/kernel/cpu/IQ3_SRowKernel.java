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
 * IQ3_S (spec §8.6): fp16 d, qs[64] (low 8 bits of 9-bit grid indices, 4 elements each), qh[8]
 * (bit k of byte ib: high bit of the sub-block's index k), signs[32] (negation mask per 8
 * elements), scales[4] (nibble ib: scale s); y = d·(1 + 2s) · ±grid.
 */
final class IQ3_SRowKernel extends LatticeRowKernel {

    private static final int[] GRID = LatticeGridWords.IQ3S;
    /** 4-bit scale s → 1 + 2s. */
    private static final float[] ODD_STEPS = new float[16];

    static {
        for (int s = 0; s < 16; s++) {
            ODD_STEPS[s] = 1 + 2 * s;
        }
    }

    IQ3_SRowKernel() {
        super(GgmlType.IQ3_S);
    }

    /**
     * Grid entries k and k+1 of a sub-block as one 8-byte word: low index bits are bytes k, k+1 of
     * {@code lows}, high bits are bits k, k+1 of {@code qh} (both pre-shifted to the half).
     */
    private static long pair(int lows, int qh, int k) {
        int i0 = (lows >>> (8 * k)) & 255 | ((qh >>> k) & 1) << 8;
        int i1 = (lows >>> (8 * k + 8)) & 255 | ((qh >>> (k + 1)) & 1) << 8;
        return GRID[i0] & 0xFFFF_FFFFL | (long) GRID[i1] << 32;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            float d = fp16(w, q);
            int scales = w.get(LE_INT, q + 106);
            for (int ib = 0; ib < 8; ib++) {
                float db = d * (1 + 2 * ((scales >>> (4 * ib)) & 15));
                int qh = u8(w, q + 66 + ib);
                for (int h = 0; h < 2; h++) {
                    int lows = w.get(LE_INT, q + 2 + 8 * ib + 4 * h);
                    int signs = w.get(LE_SHORT, q + 74 + 4 * ib + 2 * h) & 0xFFFF;
                    ByteVector v = LongVector.zero(L128).withLane(0, pair(lows, qh >>> (4 * h), 0))
                            .withLane(1, pair(lows, qh >>> (4 * h), 2))
                            .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs));
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
            int scales = w.get(LE_INT, q + 106);
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            for (int ib = 0; ib < 8; ib++) {
                int qh = u8(w, q + 66 + ib);
                long lows = w.get(LE_LONG, q + 2 + 8 * ib);
                int signs = w.get(LE_INT, q + 74 + 4 * ib);
                int l0 = (int) lows, l1 = (int) (lows >>> 32);
                ByteVector v0 = LongVector.zero(L128).withLane(0, pair(l0, qh, 0)).withLane(1, pair(l0, qh, 2))
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs & 0xFFFF));
                ByteVector v1 = LongVector.zero(L128).withLane(0, pair(l1, qh >>> 4, 0)).withLane(1, pair(l1, qh >>> 4, 2))
                        .reinterpretAsBytes().lanewise(VectorOperators.NEG, VectorMask.fromLong(B128, signs >>> 16));
                int xo = xb + 32 * ib;
                FloatVector s = FloatVector.zero(F);
                for (int p = 0; p < P16; p++) {
                    s = ((FloatVector) v0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s);
                    s = ((FloatVector) v1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s);
                }
                FloatVector ls = FloatVector.broadcast(F, ODD_STEPS[(scales >>> (4 * ib)) & 15]);
                if ((ib & 1) == 0) {
                    a0 = s.fma(ls, a0);
                } else {
                    a1 = s.fma(ls, a1);
                }
            }
            acc = a0.add(a1).fma(FloatVector.broadcast(F, fp16(w, q)), acc);
        }
        return sumLanes(acc);
    }
}
