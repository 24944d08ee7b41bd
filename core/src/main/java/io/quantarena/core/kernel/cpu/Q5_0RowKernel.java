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
final class Q5_0RowKernel implements RowKernel {

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
            float d = fp16(w, q);
            int qh = w.get(LE_INT, q + 2);
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 6, LE);
            ByteVector h0 = LongVector.broadcast(L128, spreadBitsTimes16(qh & 0xFF))
                    .withLane(1, spreadBitsTimes16((qh >>> 8) & 0xFF)).reinterpretAsBytes();
            ByteVector h1 = LongVector.broadcast(L128, spreadBitsTimes16((qh >>> 16) & 0xFF))
                    .withLane(1, spreadBitsTimes16(qh >>> 24)).reinterpretAsBytes();
            ByteVector lo = v.and((byte) 15).or(h0).sub((byte) 16);
            ByteVector hi = v.lanewise(LSHR, 4).or(h1).sub((byte) 16);
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
            int qh = w.get(LE_INT, q + 2);
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 6, LE);
            ByteVector h0 = LongVector.broadcast(L128, spreadBitsTimes16(qh & 0xFF))
                    .withLane(1, spreadBitsTimes16((qh >>> 8) & 0xFF)).reinterpretAsBytes();
            ByteVector h1 = LongVector.broadcast(L128, spreadBitsTimes16((qh >>> 16) & 0xFF))
                    .withLane(1, spreadBitsTimes16(qh >>> 24)).reinterpretAsBytes();
            ByteVector lo = v.and((byte) 15).or(h0).sub((byte) 16);
            ByteVector hi = v.lanewise(LSHR, 4).or(h1).sub((byte) 16);
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
