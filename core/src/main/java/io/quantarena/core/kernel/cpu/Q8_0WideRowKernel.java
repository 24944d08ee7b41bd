package io.quantarena.core.kernel.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q8_0 dot product on 512-bit vectors: fp16 d + 32 int8 per block; each 16 bytes widen to one
 * float vector (sign-extend, convert), and the block's two products are scaled by d once. Four
 * rows at a time share the x loads; x is in natural order.
 */
final class Q8_0WideRowKernel extends WideRowKernel {

    private static final int BYTES = 34;

    Q8_0WideRowKernel() {
        super(new Q8_0RowKernel());
    }

    @Override
    public ActivationLayout layout() {
        return ActivationLayout.NATURAL;
    }

    @Override
    public void dot4(MemorySegment w, long row0, long dist, PreparedActivation px, float[] y, int y0, int yd) {
        px.check(ActivationLayout.NATURAL);
        float[] x = px.values();
        int n = px.n();
        FloatVector a0 = FloatVector.zero(F16), a1 = a0, a2 = a0, a3 = a0;
        long q0 = row0, q1 = row0 + dist, q2 = q1 + dist, q3 = q2 + dist;
        for (int xb = 0; xb < n; xb += 32, q0 += BYTES, q1 += BYTES, q2 += BYTES, q3 += BYTES) {
            FloatVector x0 = FloatVector.fromArray(F16, x, xb), x1 = FloatVector.fromArray(F16, x, xb + 16);
            FloatVector s0 = ((FloatVector) ByteVector.fromMemorySegment(B128, w, q0 + 2, LE).convertShape(B2F, F16, 0)).mul(x0);
            FloatVector s1 = ((FloatVector) ByteVector.fromMemorySegment(B128, w, q1 + 2, LE).convertShape(B2F, F16, 0)).mul(x0);
            FloatVector s2 = ((FloatVector) ByteVector.fromMemorySegment(B128, w, q2 + 2, LE).convertShape(B2F, F16, 0)).mul(x0);
            FloatVector s3 = ((FloatVector) ByteVector.fromMemorySegment(B128, w, q3 + 2, LE).convertShape(B2F, F16, 0)).mul(x0);
            s0 = ((FloatVector) ByteVector.fromMemorySegment(B128, w, q0 + 18, LE).convertShape(B2F, F16, 0)).fma(x1, s0);
            s1 = ((FloatVector) ByteVector.fromMemorySegment(B128, w, q1 + 18, LE).convertShape(B2F, F16, 0)).fma(x1, s1);
            s2 = ((FloatVector) ByteVector.fromMemorySegment(B128, w, q2 + 18, LE).convertShape(B2F, F16, 0)).fma(x1, s2);
            s3 = ((FloatVector) ByteVector.fromMemorySegment(B128, w, q3 + 18, LE).convertShape(B2F, F16, 0)).fma(x1, s3);
            a0 = s0.fma(FloatVector.broadcast(F16, Float.float16ToFloat(w.get(LE_SHORT, q0))), a0);
            a1 = s1.fma(FloatVector.broadcast(F16, Float.float16ToFloat(w.get(LE_SHORT, q1))), a1);
            a2 = s2.fma(FloatVector.broadcast(F16, Float.float16ToFloat(w.get(LE_SHORT, q2))), a2);
            a3 = s3.fma(FloatVector.broadcast(F16, Float.float16ToFloat(w.get(LE_SHORT, q3))), a3);
        }
        // lane sums written out: a helper taking a vector might not be inlined (and would box it)
        for (int r = 0; r < 4; r++) {
            FloatVector acc = r == 0 ? a0 : r == 1 ? a1 : r == 2 ? a2 : a3;
            acc = acc.add(acc.rearrange(X16_8));
            acc = acc.add(acc.rearrange(X16_4));
            acc = acc.add(acc.rearrange(X16_2));
            y[y0 + r * yd] = acc.add(acc.rearrange(X16_1)).lane(0);
        }
    }
}
