package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q6_0 (ik): fp16 d, qh[8], qs[16]; 26 bytes. Element j < 16: low 4 bits = low nibble of qs[j],
 * high 2 bits = bits 4·(j/8).. of qh[j%8]; element j+16: high nibble of qs[j] and the next two
 * bits of the same qh byte. y = d·(q − 32). (Layout confirmed against testdata/quant/Q6_0.*.)
 */
final class Q6_0RowKernel implements RowKernel {

    private static final int BYTES = 26;
    private static final long TWO_BITS = 0x0303030303030303L;

    @Override
    public GgmlType type() {
        return GgmlType.Q6_0;
    }

    private static ByteVector lowHalf(ByteVector q, long qh) {
        ByteVector h = bytes((qh & TWO_BITS) << 4, ((qh >>> 4) & TWO_BITS) << 4);
        return q.and((byte) 15).or(h).sub((byte) 32);
    }

    private static ByteVector highHalf(ByteVector q, long qh) {
        ByteVector h = bytes(((qh >>> 2) & TWO_BITS) << 4, ((qh >>> 6) & TWO_BITS) << 4);
        return q.lanewise(VectorOperators.LSHR, 4).or(h).sub((byte) 32);
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q6_0", col, n, 32);
        long p = rowOffset + (long) (col / 32) * BYTES;
        for (int b = 0; b < n / 32; b++, p += BYTES) {
            float d = fp16(w, p);
            long qh = w.get(LE_LONG, p + 2);
            ByteVector q = load16(w, p + 10);
            store16(lowHalf(q, qh), d, dst, dstOffset + 32 * b);
            store16(highHalf(q, qh), d, dst, dstOffset + 32 * b + 16);
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc = FloatVector.zero(F);
        long p = rowOffset;
        for (int b = 0; b < n / 32; b++, p += BYTES) {
            long qh = w.get(LE_LONG, p + 2);
            ByteVector q = load16(w, p + 10);
            FloatVector s = dot16(lowHalf(q, qh), x, 32 * b, FloatVector.zero(F));
            s = dot16(highHalf(q, qh), x, 32 * b + 16, s);
            acc = s.fma(FloatVector.broadcast(F, fp16(w, p)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
