package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/** Q4_0: fp16 d + 16 bytes of nibbles (low = element j, high = j+16); y = d·(q − 8). */
final class Q4_0RowKernel extends NaturalOrderRowKernel {

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
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 2, LE);
            ByteVector lo = v.and((byte) 15).sub((byte) 8);
            ByteVector hi = v.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).sub((byte) 8);
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
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long q = rowOffset;
        for (int b = 0; b < n / 32; b++, q += BYTES) {
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 2, LE);
            ByteVector lo = v.and((byte) 15).sub((byte) 8);
            ByteVector hi = v.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).sub((byte) 8);
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
            if ((b & 1) == 0) {
                acc0 = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(LE_SHORT, q))), acc0);
            } else {
                acc1 = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(LE_SHORT, q))), acc1);
            }
        }
        return sumLanes(acc0.add(acc1));
    }
}
