package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q2_K: scales[16] (low nibble scale, high nibble min per 16-sub-block), qs[64], fp16 d, fp16 dmin;
 * element 128h + 32p + l = (qs[32h + l] >> 2p) & 3; y = d·sc·q − dmin·m.
 */
final class Q2_KRowKernel implements RowKernel {

    private static final int BYTES = 84;

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    @Override
    public boolean needsGroupSums() {
        return true;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q2_K", col, n, 256);
        long p = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, p += BYTES) {
            float d = fp16(w, p + 80);
            float dmin = fp16(w, p + 82);
            for (int h = 0; h < 2; h++) {
                for (int g = 0; g < 2; g++) {
                    ByteVector q = load16(w, p + 16 + 32 * h + 16 * g);
                    for (int s = 0; s < 4; s++) {
                        int sb = 8 * h + 2 * s + g;
                        int sc = u8(w, p + sb);
                        ByteVector v = q.lanewise(VectorOperators.LSHR, 2 * s).and((byte) 3);
                        store16(v, d * (sc & 15), -dmin * (sc >>> 4), dst, dstOffset + 256 * blk + 16 * sb);
                    }
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
            float d = fp16(w, p + 80);
            float dmin = fp16(w, p + 82);
            int xb = 256 * blk;
            float mins = 0;
            for (int h = 0; h < 2; h++) {
                ByteVector q0 = load16(w, p + 16 + 32 * h);
                ByteVector q1 = load16(w, p + 32 + 32 * h);
                for (int s = 0; s < 4; s++) {
                    int sb = 8 * h + 2 * s;
                    int sc0 = u8(w, p + sb);
                    int sc1 = u8(w, p + sb + 1);
                    FloatVector s0 = dot16(q0.lanewise(VectorOperators.LSHR, 2 * s).and((byte) 3), x, xb + 16 * sb, FloatVector.zero(F));
                    FloatVector s1 = dot16(q1.lanewise(VectorOperators.LSHR, 2 * s).and((byte) 3), x, xb + 16 * sb + 16, FloatVector.zero(F));
                    acc0 = s0.fma(FloatVector.broadcast(F, d * (sc0 & 15)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * (sc1 & 15)), acc1);
                    mins += (sc0 >>> 4) * xSums16[16 * blk + sb] + (sc1 >>> 4) * xSums16[16 * blk + sb + 1];
                }
            }
            minTerm += dmin * mins;
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) - minTerm;
    }
}
