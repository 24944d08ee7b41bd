package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ1_S (spec §8.7): fp16 d, qs[32] (low 8 bits of 11-bit grid indices, 8 elements each), then per
 * 32-sub-block a uint16: bits 3k..3k+2 high index bits of group k, bits 12-14 scale s, bit 15 the
 * delta sign. y = d·(2s+1)·(g + δ) with δ = ∓1/8, computed as d·(2s+1)/8 · (8g ± 1) from
 * {@link LatticeGridWords#IQ1S_EIGHTHS} (exact: the /8 is a power of two).
 */
final class IQ1_SRowKernel extends LatticeRowKernel {

    private static final long[] GRID = LatticeGridWords.IQ1S_EIGHTHS;
    /** 3-bit scale s → (2s + 1)/8. */
    private static final float[] EIGHTH_STEPS = new float[8];

    static {
        for (int s = 0; s < 8; s++) {
            EIGHTH_STEPS[s] = (2 * s + 1) * 0.125f;
        }
    }

    IQ1_SRowKernel() {
        super(GgmlType.IQ1_S);
    }

    /** Table entry of group k: low index byte k of {@code lows}, 3 high bits and the delta sign from {@code qh}. */
    private static long group(int lows, int qh, int k) {
        return GRID[(lows >>> (8 * k)) & 255 | ((qh >>> (3 * k)) & 7) << 8 | (qh >>> 15) << 11];
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            float d = fp16(w, q);
            for (int ib = 0; ib < 8; ib++) {
                int qh = w.get(LE_SHORT, q + 34 + 2 * ib) & 0xFFFF;
                int lows = w.get(LE_INT, q + 2 + 4 * ib);
                float dl = d * (2 * ((qh >>> 12) & 7) + 1);
                float dl8 = dl * 0.125f;
                for (int h = 0; h < 2; h++) {
                    ByteVector v = LongVector.zero(L128).withLane(0, group(lows, qh, 2 * h))
                            .withLane(1, group(lows, qh, 2 * h + 1)).reinterpretAsBytes();
                    for (int p = 0; p < P16; p++) {
                        ((FloatVector) v.convertShape(B2F, F, p)).mul(dl8).intoArray(dst, o + 32 * ib + 16 * h + p * FL);
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
            for (int ib = 0; ib < 8; ib++) {
                int qh = w.get(LE_SHORT, q + 34 + 2 * ib) & 0xFFFF;
                int lows = w.get(LE_INT, q + 2 + 4 * ib);
                ByteVector v0 = LongVector.zero(L128).withLane(0, group(lows, qh, 0)).withLane(1, group(lows, qh, 1)).reinterpretAsBytes();
                ByteVector v1 = LongVector.zero(L128).withLane(0, group(lows, qh, 2)).withLane(1, group(lows, qh, 3)).reinterpretAsBytes();
                int xo = xb + 32 * ib;
                FloatVector s = FloatVector.zero(F);
                for (int p = 0; p < P16; p++) {
                    s = ((FloatVector) v0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s);
                    s = ((FloatVector) v1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s);
                }
                FloatVector ls = FloatVector.broadcast(F, EIGHTH_STEPS[(qh >>> 12) & 7]);
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
