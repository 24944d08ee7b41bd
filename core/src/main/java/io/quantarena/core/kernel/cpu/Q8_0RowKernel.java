package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/** Q8_0: fp16 d + 32 int8 per block; y = d·q. */
final class Q8_0RowKernel extends NaturalOrderRowKernel {

    private static final int BYTES = 34;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q8_0", col, n, 32);
        long q = rowOffset + (long) (col / 32) * BYTES;
        for (int b = 0; b < n / 32; b++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 2, LE);
            ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 18, LE);
            int o = dstOffset + 32 * b;
            ((FloatVector) v0.convertShape(B2F, F, 0)).mul(d).intoArray(dst, o);
            if (P16 > 1) {
                ((FloatVector) v0.convertShape(B2F, F, 1)).mul(d).intoArray(dst, o + FL);
                if (P16 > 2) {
                    ((FloatVector) v0.convertShape(B2F, F, 2)).mul(d).intoArray(dst, o + 2 * FL);
                    ((FloatVector) v0.convertShape(B2F, F, 3)).mul(d).intoArray(dst, o + 3 * FL);
                }
            }
            ((FloatVector) v1.convertShape(B2F, F, 0)).mul(d).intoArray(dst, o + 16);
            if (P16 > 1) {
                ((FloatVector) v1.convertShape(B2F, F, 1)).mul(d).intoArray(dst, o + 16 + FL);
                if (P16 > 2) {
                    ((FloatVector) v1.convertShape(B2F, F, 2)).mul(d).intoArray(dst, o + 16 + 2 * FL);
                    ((FloatVector) v1.convertShape(B2F, F, 3)).mul(d).intoArray(dst, o + 16 + 3 * FL);
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long q = rowOffset;
        for (int b = 0; b < n / 32; b++, q += BYTES) {
            ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 2, LE);
            ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 18, LE);
            FloatVector s = FloatVector.zero(F);
            int xo = 32 * b;
            s = ((FloatVector) v0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo), s);
            if (P16 > 1) {
                s = ((FloatVector) v0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + FL), s);
                if (P16 > 2) {
                    s = ((FloatVector) v0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 2 * FL), s);
                    s = ((FloatVector) v0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 3 * FL), s);
                }
            }
            s = ((FloatVector) v1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + 16), s);
            if (P16 > 1) {
                s = ((FloatVector) v1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + 16 + FL), s);
                if (P16 > 2) {
                    s = ((FloatVector) v1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 16 + 2 * FL), s);
                    s = ((FloatVector) v1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 16 + 3 * FL), s);
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
