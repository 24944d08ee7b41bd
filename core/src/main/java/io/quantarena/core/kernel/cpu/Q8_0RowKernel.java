package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/** Q8_0: fp16 d + 32 int8 per block; y = d·q. */
final class Q8_0RowKernel implements RowKernel {

    private static final int BYTES = 34;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q8_0", col, n, 32);
        long p = rowOffset + (long) (col / 32) * BYTES;
        for (int b = 0; b < n / 32; b++, p += BYTES) {
            float d = fp16(w, p);
            store16(load16(w, p + 2), d, dst, dstOffset + 32 * b);
            store16(load16(w, p + 18), d, dst, dstOffset + 32 * b + 16);
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long p = rowOffset;
        int b = 0;
        for (; b + 1 < n / 32; b += 2, p += 2 * BYTES) {
            FloatVector s0 = dot16(load16(w, p + 18), x, 32 * b + 16, dot16(load16(w, p + 2), x, 32 * b, FloatVector.zero(F)));
            FloatVector s1 = dot16(load16(w, p + BYTES + 18), x, 32 * b + 48,
                    dot16(load16(w, p + BYTES + 2), x, 32 * b + 32, FloatVector.zero(F)));
            acc0 = s0.fma(FloatVector.broadcast(F, fp16(w, p)), acc0);
            acc1 = s1.fma(FloatVector.broadcast(F, fp16(w, p + BYTES)), acc1);
        }
        if (b < n / 32) {
            FloatVector s0 = dot16(load16(w, p + 18), x, 32 * b + 16, dot16(load16(w, p + 2), x, 32 * b, FloatVector.zero(F)));
            acc0 = s0.fma(FloatVector.broadcast(F, fp16(w, p)), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
}
