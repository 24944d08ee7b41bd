package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ4_XS: fp16 d, scales_h (uint16), scales_l[4], qs[128]; sub-block b (32 elements) uses
 * qs[16b..16b+16) (low nibble → element j, high → 16+j) and the 6-bit scale ls − 32;
 * y = d·ls·V[q].
 */
final class IQ4_XSRowKernel implements RowKernel {

    private static final int BYTES = 136;

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_XS;
    }

    private static int scale(int scalesH, int scalesL, int b) {
        return (((scalesL >>> (4 * b)) & 15) | (((scalesH >>> (2 * b)) & 3) << 4)) - 32;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("iq4_xs", col, n, 256);
        ByteVector t = IQ4_NLRowKernel.table();
        long p = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, p += BYTES) {
            float d = fp16(w, p);
            int sh = w.get(LE_SHORT, p + 2) & 0xFFFF;
            int sl = w.get(LE_INT, p + 4);
            for (int b = 0; b < 8; b++) {
                float s = d * scale(sh, sl, b);
                ByteVector q = load16(w, p + 8 + 16 * b);
                int o = dstOffset + 256 * blk + 32 * b;
                store16(q.and((byte) 15).selectFrom(t), s, dst, o);
                store16(q.lanewise(VectorOperators.LSHR, 4).selectFrom(t), s, dst, o + 16);
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        ByteVector t = IQ4_NLRowKernel.table();
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long p = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, p += BYTES) {
            float d = fp16(w, p);
            int sh = w.get(LE_SHORT, p + 2) & 0xFFFF;
            int sl = w.get(LE_INT, p + 4);
            int xb = 256 * blk;
            for (int b = 0; b < 8; b += 2) {
                ByteVector q0 = load16(w, p + 8 + 16 * b);
                ByteVector q1 = load16(w, p + 24 + 16 * b);
                FloatVector s0 = dot16(q0.lanewise(VectorOperators.LSHR, 4).selectFrom(t), x, xb + 32 * b + 16,
                        dot16(q0.and((byte) 15).selectFrom(t), x, xb + 32 * b, FloatVector.zero(F)));
                FloatVector s1 = dot16(q1.lanewise(VectorOperators.LSHR, 4).selectFrom(t), x, xb + 32 * b + 48,
                        dot16(q1.and((byte) 15).selectFrom(t), x, xb + 32 * b + 32, FloatVector.zero(F)));
                acc0 = s0.fma(FloatVector.broadcast(F, d * scale(sh, sl, b)), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F, d * scale(sh, sl, b + 1)), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
}
