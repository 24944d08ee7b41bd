package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.F;
import static io.quantarena.core.kernel.cpu.VectorSupport.sumLanes;
import static io.quantarena.core.kernel.cpu.VectorSupport.FL;
import static io.quantarena.core.kernel.cpu.VectorSupport.LE;
import static io.quantarena.core.kernel.cpu.VectorSupport.LE_FLOAT;

/** Plain little-endian float32 rows. */
final class F32RowKernel extends NaturalOrderRowKernel {

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        MemorySegment.copy(w, LE_FLOAT, rowOffset + 4L * col, dst, dstOffset, n);
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - 4 * FL; i += 4 * FL) {
            long o = rowOffset + 4L * i;
            a0 = FloatVector.fromMemorySegment(F, w, o, LE).fma(FloatVector.fromArray(F, x, i), a0);
            a1 = FloatVector.fromMemorySegment(F, w, o + 4L * FL, LE).fma(FloatVector.fromArray(F, x, i + FL), a1);
            a2 = FloatVector.fromMemorySegment(F, w, o + 8L * FL, LE).fma(FloatVector.fromArray(F, x, i + 2 * FL), a2);
            a3 = FloatVector.fromMemorySegment(F, w, o + 12L * FL, LE).fma(FloatVector.fromArray(F, x, i + 3 * FL), a3);
        }
        for (; i <= n - FL; i += FL) {
            a0 = FloatVector.fromMemorySegment(F, w, rowOffset + 4L * i, LE).fma(FloatVector.fromArray(F, x, i), a0);
        }
        float s = sumLanes(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) {
            s += w.get(LE_FLOAT, rowOffset + 4L * i) * x[i];
        }
        return s;
    }
}
