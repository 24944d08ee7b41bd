package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/** IQ4_NL: fp16 d + 16 bytes of nibbles indexing the non-linear table; y = d·V[q]. */
final class IQ4_NLRowKernel implements RowKernel {

    private static final int BYTES = 18;

    /** kvalues_iq4nl (spec/tables/kvalues_iq4nl.txt). */
    static final byte[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_NL;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("iq4_nl", col, n, 32);
        ByteVector t = ByteVector.fromArray(B128, VALUES, 0);
        long q = rowOffset + (long) (col / 32) * BYTES;
        for (int b = 0; b < n / 32; b++, q += BYTES) {
            float d = fp16(w, q);
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 2, LE);
            ByteVector lo = v.and((byte) 15).selectFrom(t);
            ByteVector hi = v.lanewise(LSHR, 4).selectFrom(t);
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
        ByteVector t = ByteVector.fromArray(B128, VALUES, 0);
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long q = rowOffset;
        for (int b = 0; b < n / 32; b++, q += BYTES) {
            ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 2, LE);
            ByteVector lo = v.and((byte) 15).selectFrom(t);
            ByteVector hi = v.lanewise(LSHR, 4).selectFrom(t);
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
