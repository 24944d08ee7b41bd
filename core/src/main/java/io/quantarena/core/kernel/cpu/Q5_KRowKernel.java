package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q5_K: fp16 d, fp16 dmin, scales[12], qh[32], qs[128]. As Q4_K plus a fifth bit: element 64c + l
 * takes bit 2c of qh[l], element 64c + 32 + l bit 2c+1; y = d·sc·q − dmin·m.
 */
final class Q5_KRowKernel implements RowKernel {

    private static final int BYTES = 176;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    @Override
    public boolean needsGroupSums() {
        return true;
    }

    private static ByteVector withHigh(ByteVector low4, ByteVector qh, int bit) {
        return low4.or(qh.lanewise(VectorOperators.LSHR, bit).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q5_K", col, n, 256);
        int[] sc = new int[8];
        int[] m = new int[8];
        long p = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, p += BYTES) {
            float d = fp16(w, p);
            float dmin = fp16(w, p + 2);
            KQuantScales.decode(w, p + 4, sc, m);
            int o = dstOffset + 256 * blk;
            for (int g = 0; g < 2; g++) {
                ByteVector qh = load16(w, p + 16 + 16 * g);
                for (int c = 0; c < 4; c++) {
                    ByteVector q = load16(w, p + 48 + 32 * c + 16 * g);
                    store16(withHigh(q.and((byte) 15), qh, 2 * c), d * sc[2 * c], -dmin * m[2 * c], dst,
                            o + 64 * c + 16 * g);
                    store16(withHigh(q.lanewise(VectorOperators.LSHR, 4), qh, 2 * c + 1), d * sc[2 * c + 1],
                            -dmin * m[2 * c + 1], dst, o + 64 * c + 32 + 16 * g);
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        float minTerm = 0;
        long p = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, p += BYTES) {
            float d = fp16(w, p);
            float dmin = fp16(w, p + 2);
            int a = w.get(LE_INT, p + 4);
            int b = w.get(LE_INT, p + 8);
            int cc = w.get(LE_INT, p + 12);
            ByteVector qh0 = load16(w, p + 16);
            ByteVector qh1 = load16(w, p + 32);
            int xb = 256 * blk;
            int gs = 16 * blk;
            float mins = 0;
            for (int c = 0; c < 4; c++) {
                int j0 = 2 * c, j1 = 2 * c + 1;
                int sc0 = Q4_KRowKernel.scale(a, cc, j0), sc1 = Q4_KRowKernel.scale(a, cc, j1);
                int m0 = Q4_KRowKernel.scale(b, cc >>> 4, j0), m1 = Q4_KRowKernel.scale(b, cc >>> 4, j1);
                ByteVector q0 = load16(w, p + 48 + 32 * c);
                ByteVector q1 = load16(w, p + 64 + 32 * c);
                FloatVector lo = dot16(withHigh(q1.and((byte) 15), qh1, j0), x, xb + 64 * c + 16,
                        dot16(withHigh(q0.and((byte) 15), qh0, j0), x, xb + 64 * c, FloatVector.zero(F)));
                FloatVector hi = dot16(withHigh(q1.lanewise(VectorOperators.LSHR, 4), qh1, j1), x, xb + 64 * c + 48,
                        dot16(withHigh(q0.lanewise(VectorOperators.LSHR, 4), qh0, j1), x, xb + 64 * c + 32, FloatVector.zero(F)));
                acc0 = lo.fma(FloatVector.broadcast(F, d * sc0), acc0);
                acc1 = hi.fma(FloatVector.broadcast(F, d * sc1), acc1);
                mins += m0 * (xSums16[gs + 4 * c] + xSums16[gs + 4 * c + 1])
                        + m1 * (xSums16[gs + 4 * c + 2] + xSums16[gs + 4 * c + 3]);
            }
            minTerm += dmin * mins;
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) - minTerm;
    }
}
