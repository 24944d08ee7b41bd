package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/** Q4_1: fp16 d, fp16 m + 16 bytes of nibbles; y = d·q + m (the m term uses the activation block sums). */
final class Q4_1RowKernel implements RowKernel {

    private static final int BYTES = 20;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    @Override
    public boolean needsGroupSums() {
        return true;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q4_1", col, n, 32);
        long p = rowOffset + (long) (col / 32) * BYTES;
        for (int b = 0; b < n / 32; b++, p += BYTES) {
            float d = fp16(w, p);
            float m = fp16(w, p + 2);
            ByteVector q = load16(w, p + 4);
            store16(q.and((byte) 15), d, m, dst, dstOffset + 32 * b);
            store16(q.lanewise(VectorOperators.LSHR, 4), d, m, dst, dstOffset + 32 * b + 16);
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc = FloatVector.zero(F);
        float minTerm = 0;
        long p = rowOffset;
        for (int b = 0; b < n / 32; b++, p += BYTES) {
            ByteVector q = load16(w, p + 4);
            FloatVector s = dot16(q.and((byte) 15), x, 32 * b, FloatVector.zero(F));
            s = dot16(q.lanewise(VectorOperators.LSHR, 4), x, 32 * b + 16, s);
            acc = s.fma(FloatVector.broadcast(F, fp16(w, p)), acc);
            minTerm += fp16(w, p + 2) * (xSums16[2 * b] + xSums16[2 * b + 1]);
        }
        return acc.reduceLanes(VectorOperators.ADD) + minTerm;
    }
}
