package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q5_0: fp16 d, 32 high bits (uint32), 16 bytes of low nibbles; y = d·(q − 16). The high bits are
 * spread to bytes (value 16 or 0) with a bit deposit (PDEP) instead of per-lane shifts.
 */
final class Q5_0RowKernel extends NaturalOrderRowKernel {

    private static final int BYTES = 22;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q5_0", col, n, 32);
        long q = rowOffset + (long) (col / 32) * BYTES;
        for (int b = 0; b < n / 32; b++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            int qh = w.get(LE_INT, q + 2);
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 6, LE);
            ByteVector h0 = LongVector.broadcast(L128, spreadBitsTimes16(qh & 0xFF))
                    .withLane(1, spreadBitsTimes16((qh >>> 8) & 0xFF)).reinterpretAsBytes();
            ByteVector h1 = LongVector.broadcast(L128, spreadBitsTimes16((qh >>> 16) & 0xFF))
                    .withLane(1, spreadBitsTimes16(qh >>> 24)).reinterpretAsBytes();
            ByteVector lo = v.and((byte) 15).or(h0).sub((byte) 16);
            ByteVector hi = v.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(h1).sub((byte) 16);
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
            int qh = w.get(LE_INT, q + 2);
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 6, LE);
            ByteVector h0 = LongVector.broadcast(L128, spreadBitsTimes16(qh & 0xFF))
                    .withLane(1, spreadBitsTimes16((qh >>> 8) & 0xFF)).reinterpretAsBytes();
            ByteVector h1 = LongVector.broadcast(L128, spreadBitsTimes16((qh >>> 16) & 0xFF))
                    .withLane(1, spreadBitsTimes16(qh >>> 24)).reinterpretAsBytes();
            ByteVector lo = v.and((byte) 15).or(h0).sub((byte) 16);
            ByteVector hi = v.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(h1).sub((byte) 16);
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
