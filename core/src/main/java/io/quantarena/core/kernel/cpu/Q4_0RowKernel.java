package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/** Q4_0: fp16 d + 16 bytes of nibbles (low = element j, high = j+16); y = d·(q − 8). */
final class Q4_0RowKernel implements RowKernel {

    private static final int BYTES = 18;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q4_0", col, n, 32);
        long p = rowOffset + (long) (col / 32) * BYTES;
        for (int b = 0; b < n / 32; b++, p += BYTES) {
            float d = fp16(w, p);
            ByteVector q = load16(w, p + 2);
            store16(q.and((byte) 15).sub((byte) 8), d, dst, dstOffset + 32 * b);
            store16(q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8), d, dst, dstOffset + 32 * b + 16);
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long p = rowOffset;
        int b = 0;
        for (; b + 1 < n / 32; b += 2, p += 2 * BYTES) {
            acc0 = block(w, p, x, 32 * b).fma(FloatVector.broadcast(F, fp16(w, p)), acc0);
            acc1 = block(w, p + BYTES, x, 32 * b + 32).fma(FloatVector.broadcast(F, fp16(w, p + BYTES)), acc1);
        }
        if (b < n / 32) {
            acc0 = block(w, p, x, 32 * b).fma(FloatVector.broadcast(F, fp16(w, p)), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector block(MemorySegment w, long p, float[] x, int xOff) {
        ByteVector q = load16(w, p + 2);
        FloatVector s = dot16(q.and((byte) 15).sub((byte) 8), x, xOff, FloatVector.zero(F));
        return dot16(q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8), x, xOff + 16, s);
    }
}
