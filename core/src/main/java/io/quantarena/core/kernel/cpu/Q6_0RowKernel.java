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
final class Q6_0RowKernel extends NaturalOrderRowKernel {

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
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            long qh = w.get(LE_LONG, q + 2);
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 10, LE);
            ByteVector h0 = LongVector.broadcast(L128, (qh & TWO_BITS) << 4)
                    .withLane(1, ((qh >>> 4) & TWO_BITS) << 4).reinterpretAsBytes();
            ByteVector h1 = LongVector.broadcast(L128, ((qh >>> 2) & TWO_BITS) << 4)
                    .withLane(1, ((qh >>> 6) & TWO_BITS) << 4).reinterpretAsBytes();
            ByteVector lo = v.and((byte) 15).or(h0).sub((byte) 32);
            ByteVector hi = v.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(h1).sub((byte) 32);
            int o = dstOffset + 32 * b;
            ((FloatVector) lo.convertShape(B2F, F, 0)).mul(d).intoArray(dst, o);
            if (P16 > 1) {
                ((FloatVector) lo.convertShape(B2F, F, 1)).mul(d).intoArray(dst, o + FL);
                if (P16 > 2) {
                    ((FloatVector) lo.convertShape(B2F, F, 2)).mul(d).intoArray(dst, o + 2 * FL);
                    ((FloatVector) lo.convertShape(B2F, F, 3)).mul(d).intoArray(dst, o + 3 * FL);
                }
            }
            ((FloatVector) hi.convertShape(B2F, F, 0)).mul(d).intoArray(dst, o + 16);
            if (P16 > 1) {
                ((FloatVector) hi.convertShape(B2F, F, 1)).mul(d).intoArray(dst, o + 16 + FL);
                if (P16 > 2) {
                    ((FloatVector) hi.convertShape(B2F, F, 2)).mul(d).intoArray(dst, o + 16 + 2 * FL);
                    ((FloatVector) hi.convertShape(B2F, F, 3)).mul(d).intoArray(dst, o + 16 + 3 * FL);
                }
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
            ByteVector hi = v.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(h1).sub((byte) 32);
            FloatVector s = FloatVector.zero(F);
            int xo = 32 * b;
            s = ((FloatVector) lo.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo), s);
            if (P16 > 1) {
                s = ((FloatVector) lo.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + FL), s);
                if (P16 > 2) {
                    s = ((FloatVector) lo.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 2 * FL), s);
                    s = ((FloatVector) lo.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 3 * FL), s);
                }
            }
            s = ((FloatVector) hi.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + 16), s);
            if (P16 > 1) {
                s = ((FloatVector) hi.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + 16 + FL), s);
                if (P16 > 2) {
                    s = ((FloatVector) hi.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 16 + 2 * FL), s);
                    s = ((FloatVector) hi.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 16 + 3 * FL), s);
                }
            }
            acc = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(LE_SHORT, q))), acc);
        }
        return sumLanes(acc);
    }
}
