package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/** IQ4_NL: fp16 d + 16 bytes of nibbles indexing the non-linear table; y = d·V[q]. */
final class IQ4_NLRowKernel implements RowKernel {

    private static final int BYTES = 18;

    /** kvalues_iq4nl (spec/tables/kvalues_iq4nl.txt). */
    static final byte[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    static ByteVector table() {
        return ByteVector.fromArray(B128, VALUES, 0);
    }

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_NL;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("iq4_nl", col, n, 32);
        ByteVector t = table();
        long p = rowOffset + (long) (col / 32) * BYTES;
        for (int b = 0; b < n / 32; b++, p += BYTES) {
            float d = fp16(w, p);
            ByteVector q = load16(w, p + 2);
            store16(q.and((byte) 15).selectFrom(t), d, dst, dstOffset + 32 * b);
            store16(q.lanewise(VectorOperators.LSHR, 4).selectFrom(t), d, dst, dstOffset + 32 * b + 16);
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        ByteVector t = table();
        FloatVector acc = FloatVector.zero(F);
        long p = rowOffset;
        for (int b = 0; b < n / 32; b++, p += BYTES) {
            ByteVector q = load16(w, p + 2);
            FloatVector s = dot16(q.and((byte) 15).selectFrom(t), x, 32 * b, FloatVector.zero(F));
            s = dot16(q.lanewise(VectorOperators.LSHR, 4).selectFrom(t), x, 32 * b + 16, s);
            acc = s.fma(FloatVector.broadcast(F, fp16(w, p)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
