package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q5_0: fp16 d, 32 high bits (uint32), 16 bytes of low nibbles; y = d·(q − 16). The high bits are
 * spread to bytes with a bit-deposit (PDEP) instead of per-lane shifts.
 */
final class Q5_0RowKernel implements RowKernel {

    private static final int BYTES = 22;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    static ByteVector lowHalf(ByteVector q, int qh) {
        ByteVector h = bytes(spreadBitsTimes16(qh & 0xFF), spreadBitsTimes16((qh >>> 8) & 0xFF));
        return q.and((byte) 15).or(h);
    }

    static ByteVector highHalf(ByteVector q, int qh) {
        ByteVector h = bytes(spreadBitsTimes16((qh >>> 16) & 0xFF), spreadBitsTimes16(qh >>> 24));
        return q.lanewise(VectorOperators.LSHR, 4).or(h);
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q5_0", col, n, 32);
        long p = rowOffset + (long) (col / 32) * BYTES;
        for (int b = 0; b < n / 32; b++, p += BYTES) {
            float d = fp16(w, p);
            int qh = w.get(LE_INT, p + 2);
            ByteVector q = load16(w, p + 6);
            store16(lowHalf(q, qh).sub((byte) 16), d, dst, dstOffset + 32 * b);
            store16(highHalf(q, qh).sub((byte) 16), d, dst, dstOffset + 32 * b + 16);
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc = FloatVector.zero(F);
        long p = rowOffset;
        for (int b = 0; b < n / 32; b++, p += BYTES) {
            int qh = w.get(LE_INT, p + 2);
            ByteVector q = load16(w, p + 6);
            FloatVector s = dot16(lowHalf(q, qh).sub((byte) 16), x, 32 * b, FloatVector.zero(F));
            s = dot16(highHalf(q, qh).sub((byte) 16), x, 32 * b + 16, s);
            acc = s.fma(FloatVector.broadcast(F, fp16(w, p)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
