package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/** Q4_0: fp16 d + 16 bytes of nibbles (low = element j, high = j+16); y = d·(q − 8). */
final class Q4_0RowKernel implements RowKernel {

    private static final int BYTES = 18;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q4_0", col, n, 32);
        long q = rowOffset + (long) (col / 32) * BYTES;
        for (int b = 0; b < n / 32; b++, q += BYTES) {
            float d = fp16(w, q);
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 2, LE);
            ByteVector lo = v.and((byte) 15).sub((byte) 8);
            ByteVector hi = v.lanewise(LSHR, 4).sub((byte) 8);
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
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long q = rowOffset;
        for (int b = 0; b < n / 32; b++, q += BYTES) {
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 2, LE);
            ByteVector lo = v.and((byte) 15).sub((byte) 8);
            ByteVector hi = v.lanewise(LSHR, 4).sub((byte) 8);
            FloatVector s = FloatVector.zero(F);
            int xo = 32 * b;
            for (int p = 0; p < P16; p++) {
                s = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s);
            }
            for (int p = 0; p < P16; p++) {
                s = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s);
            }
            if ((b & 1) == 0) {
                acc0 = s.fma(FloatVector.broadcast(F, fp16(w, q)), acc0);
            } else {
                acc1 = s.fma(FloatVector.broadcast(F, fp16(w, q)), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(ADD);
    }
}
