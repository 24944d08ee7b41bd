package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q3_K: hmask[32], qs[64], scales[12] (16 six-bit signed scales), fp16 d. Element 128h + 32p + l:
 * low 2 bits (qs[32h + l] >> 2p) & 3, high bit = bit (4h + p) of hmask[l]; q = (low | high<<2) − 4;
 * y = d·s·q.
 */
final class Q3_KRowKernel implements RowKernel {

    private static final int BYTES = 110;

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    /** Signed 6-bit scale k (0..15) of the block at {@code p}. */
    private static int scale(MemorySegment w, long p, int k) {
        long s = p + 96;
        int low = k < 8 ? u8(w, s + k) & 15 : u8(w, s + k - 8) >>> 4;
        int high = (u8(w, s + 8 + (k & 3)) >>> (2 * (k >>> 2))) & 3;
        return (low | high << 4) - 32;
    }

    private static ByteVector quants(ByteVector qs, ByteVector hm, int h, int s) {
        ByteVector low = qs.lanewise(VectorOperators.LSHR, 2 * s).and((byte) 3);
        ByteVector high = hm.lanewise(VectorOperators.LSHR, 4 * h + s).and((byte) 1).lanewise(VectorOperators.LSHL, 2);
        return low.or(high).sub((byte) 4);
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q3_K", col, n, 256);
        long p = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, p += BYTES) {
            float d = fp16(w, p + 108);
            for (int g = 0; g < 2; g++) {
                ByteVector hm = load16(w, p + 16 * g);
                for (int h = 0; h < 2; h++) {
                    ByteVector qs = load16(w, p + 32 + 32 * h + 16 * g);
                    for (int s = 0; s < 4; s++) {
                        int sb = 8 * h + 2 * s + g;
                        store16(quants(qs, hm, h, s), d * scale(w, p, sb), dst, dstOffset + 256 * blk + 16 * sb);
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long p = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, p += BYTES) {
            float d = fp16(w, p + 108);
            int xb = 256 * blk;
            ByteVector hm0 = load16(w, p);
            ByteVector hm1 = load16(w, p + 16);
            for (int h = 0; h < 2; h++) {
                ByteVector qs0 = load16(w, p + 32 + 32 * h);
                ByteVector qs1 = load16(w, p + 48 + 32 * h);
                for (int s = 0; s < 4; s++) {
                    int sb = 8 * h + 2 * s;
                    FloatVector s0 = dot16(quants(qs0, hm0, h, s), x, xb + 16 * sb, FloatVector.zero(F));
                    FloatVector s1 = dot16(quants(qs1, hm1, h, s), x, xb + 16 * sb + 16, FloatVector.zero(F));
                    acc0 = s0.fma(FloatVector.broadcast(F, d * scale(w, p, sb)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * scale(w, p, sb + 1)), acc1);
                }
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
}
