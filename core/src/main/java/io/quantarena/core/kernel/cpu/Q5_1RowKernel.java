package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/** Q5_1: fp16 d, fp16 m, 32 high bits, 16 bytes of low nibbles; y = d·q + m (high bits as Q5_0). */
final class Q5_1RowKernel extends NaturalOrderRowKernel {

    private static final int BYTES = 24;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    @Override
    public boolean needsGroupSums() {
        return true;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q5_1", col, n, 32);
        long q = rowOffset + (long) (col / 32) * BYTES;
        for (int b = 0; b < n / 32; b++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            float m = Float.float16ToFloat(w.get(LE_SHORT, q + 2));
            int qh = w.get(LE_INT, q + 4);
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 8, LE);
            ByteVector h0 = LongVector.broadcast(L128, spreadBitsTimes16(qh & 0xFF))
                    .withLane(1, spreadBitsTimes16((qh >>> 8) & 0xFF)).reinterpretAsBytes();
            ByteVector h1 = LongVector.broadcast(L128, spreadBitsTimes16((qh >>> 16) & 0xFF))
                    .withLane(1, spreadBitsTimes16(qh >>> 24)).reinterpretAsBytes();
            ByteVector lo = v.and((byte) 15).or(h0);
            ByteVector hi = v.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(h1);
            int o = dstOffset + 32 * b;
            ((FloatVector) lo.convertShape(B2F, F, 0)).fma(d, m).intoArray(dst, o);
            if (P16 > 1) {
                ((FloatVector) lo.convertShape(B2F, F, 1)).fma(d, m).intoArray(dst, o + FL);
                if (P16 > 2) {
                    ((FloatVector) lo.convertShape(B2F, F, 2)).fma(d, m).intoArray(dst, o + 2 * FL);
                    ((FloatVector) lo.convertShape(B2F, F, 3)).fma(d, m).intoArray(dst, o + 3 * FL);
                }
            }
            ((FloatVector) hi.convertShape(B2F, F, 0)).fma(d, m).intoArray(dst, o + 16);
            if (P16 > 1) {
                ((FloatVector) hi.convertShape(B2F, F, 1)).fma(d, m).intoArray(dst, o + 16 + FL);
                if (P16 > 2) {
                    ((FloatVector) hi.convertShape(B2F, F, 2)).fma(d, m).intoArray(dst, o + 16 + 2 * FL);
                    ((FloatVector) hi.convertShape(B2F, F, 3)).fma(d, m).intoArray(dst, o + 16 + 3 * FL);
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc = FloatVector.zero(F);
        float minTerm = 0;
        long q = rowOffset;
        for (int b = 0; b < n / 32; b++, q += BYTES) {
            int qh = w.get(LE_INT, q + 4);
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 8, LE);
            ByteVector h0 = LongVector.broadcast(L128, spreadBitsTimes16(qh & 0xFF))
                    .withLane(1, spreadBitsTimes16((qh >>> 8) & 0xFF)).reinterpretAsBytes();
            ByteVector h1 = LongVector.broadcast(L128, spreadBitsTimes16((qh >>> 16) & 0xFF))
                    .withLane(1, spreadBitsTimes16(qh >>> 24)).reinterpretAsBytes();
            ByteVector lo = v.and((byte) 15).or(h0);
            ByteVector hi = v.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(h1);
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
            minTerm += Float.float16ToFloat(w.get(LE_SHORT, q + 2)) * (xSums16[2 * b] + xSums16[2 * b + 1]);
        }
        return sumLanes(acc) + minTerm;
    }
}
