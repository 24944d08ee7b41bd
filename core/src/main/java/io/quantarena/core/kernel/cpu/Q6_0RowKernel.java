package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;

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

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q6_0", col, n, 32);
        long q = rowOffset + (long) (col / 32) * BYTES;
        for (int b = 0; b < n / 32; b++, q += BYTES) {
            float d = fp16(w, q);
            long qh = w.get(LE_LONG, q + 2);
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 10, LE);
            ByteVector h0 = LongVector.broadcast(L128, (qh & TWO_BITS) << 4)
                    .withLane(1, ((qh >>> 4) & TWO_BITS) << 4).reinterpretAsBytes();
            ByteVector h1 = LongVector.broadcast(L128, ((qh >>> 2) & TWO_BITS) << 4)
                    .withLane(1, ((qh >>> 6) & TWO_BITS) << 4).reinterpretAsBytes();
            ByteVector lo = v.and((byte) 15).or(h0).sub((byte) 32);
            ByteVector hi = v.lanewise(LSHR, 4).or(h1).sub((byte) 32);
            int o = dstOffset + 32 * b;
            for (int p = 0; p < P16; p++) {
                ((FloatVector) lo.convertShape(B2F, F, p)).mul(d).intoArray(dst, o + p * FL);
            }
            for (int p = 0; p < P16; p++) {
                ((FloatVector) hi.convertShape(B2F, F, p)).mul(d).intoArray(dst, o + 16 + p * FL);
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc = FloatVector.zero(F);
        long q = rowOffset;
        for (int b = 0; b < n / 32; b++, q += BYTES) {
            long qh = w.get(LE_LONG, q + 2);
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 10, LE);
            ByteVector h0 = LongVector.broadcast(L128, (qh & TWO_BITS) << 4)
                    .withLane(1, ((qh >>> 4) & TWO_BITS) << 4).reinterpretAsBytes();
            ByteVector h1 = LongVector.broadcast(L128, ((qh >>> 2) & TWO_BITS) << 4)
                    .withLane(1, ((qh >>> 6) & TWO_BITS) << 4).reinterpretAsBytes();
            ByteVector lo = v.and((byte) 15).or(h0).sub((byte) 32);
            ByteVector hi = v.lanewise(LSHR, 4).or(h1).sub((byte) 32);
            FloatVector s = FloatVector.zero(F);
            int xo = 32 * b;
            for (int p = 0; p < P16; p++) {
                s = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s);
            }
            for (int p = 0; p < P16; p++) {
                s = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s);
            }
            acc = s.fma(FloatVector.broadcast(F, fp16(w, q)), acc);
        }
        return acc.reduceLanes(ADD);
    }
}
