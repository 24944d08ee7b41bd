package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/** Q5_1: fp16 d, fp16 m, 32 high bits, 16 bytes of low nibbles; y = d·q + m (high bits as Q5_0). */
final class Q5_1RowKernel implements RowKernel {

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
            float d = fp16(w, q);
            float m = fp16(w, q + 2);
            int qh = w.get(LE_INT, q + 4);
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 8, LE);
            ByteVector h0 = LongVector.broadcast(L128, spreadBitsTimes16(qh & 0xFF))
                    .withLane(1, spreadBitsTimes16((qh >>> 8) & 0xFF)).reinterpretAsBytes();
            ByteVector h1 = LongVector.broadcast(L128, spreadBitsTimes16((qh >>> 16) & 0xFF))
                    .withLane(1, spreadBitsTimes16(qh >>> 24)).reinterpretAsBytes();
            ByteVector lo = v.and((byte) 15).or(h0);
            ByteVector hi = v.lanewise(LSHR, 4).or(h1);
            int o = dstOffset + 32 * b;
            for (int p = 0; p < P16; p++) {
                ((FloatVector) lo.convertShape(B2F, F, p)).fma(d, m).intoArray(dst, o + p * FL);
            }
            for (int p = 0; p < P16; p++) {
                ((FloatVector) hi.convertShape(B2F, F, p)).fma(d, m).intoArray(dst, o + 16 + p * FL);
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
            ByteVector hi = v.lanewise(LSHR, 4).or(h1);
            FloatVector s = FloatVector.zero(F);
            int xo = 32 * b;
            for (int p = 0; p < P16; p++) {
                s = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s);
            }
            for (int p = 0; p < P16; p++) {
                s = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s);
            }
            acc = s.fma(FloatVector.broadcast(F, fp16(w, q)), acc);
            minTerm += fp16(w, q + 2) * (xSums16[2 * b] + xSums16[2 * b + 1]);
        }
        return acc.reduceLanes(ADD) + minTerm;
    }
}
