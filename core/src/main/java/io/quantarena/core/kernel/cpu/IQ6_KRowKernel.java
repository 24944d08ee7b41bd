package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;
import static jdk.incubator.vector.VectorOperators.BITWISE_BLEND;
import static jdk.incubator.vector.VectorOperators.ROL;

/**
 * IQ6_K (spec §9.6): fp16 d, shift bits, int8 scales of the sixteen 16-sub-blocks, qs[128] (low 4
 * index bits, layout as IQ5_K), qh[64] (bits 4-5: 32-block b, element j at qh[32·(b/4) + j], bits
 * 2·(b%4)). The level is the int8 table of the reference's matrix-multiplication kernels, +1 if
 * shifted: computed as the row dequantizer's polynomial of the 6-bit index (fused multiply-adds in
 * the codec's order) rounded to the nearest integer, which is how the table was made (spec §9.6).
 * Bit-exact with {@code QuantCodec.dequantizeRowForProducts}.
 */
final class IQ6_KRowKernel extends IqkRowKernel {

    private static final float C3 = 0.0011972f, C2 = -0.11218f, C1 = 6.2568f, C0 = -127f;
    /** Adding and subtracting 1.5·2^23 rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUND = 12582912f;
    /** FL zeros then FL ones: the shift of a sub-block as a vector, by load. */
    private static final float[] SHIFTS = new float[2 * FL];
    /** int8 scale byte → its signed value. */
    private static final float[] SCALES = new float[256];

    static {
        java.util.Arrays.fill(SHIFTS, FL, 2 * FL, 1f);
        for (int b = 0; b < 256; b++) {
            SCALES[b] = (byte) b;
        }
    }

    IQ6_KRowKernel() {
        super(GgmlType.IQ6_K);
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        FloatVector c3 = FloatVector.broadcast(F, C3), c2 = FloatVector.broadcast(F, C2);
        FloatVector c1 = FloatVector.broadcast(F, C1), c0 = FloatVector.broadcast(F, C0);
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            float d = fp16(w, q);
            int extra = w.get(LE_SHORT, q + 2);
            for (int c = 0; c < 4; c++) {
                for (int h = 0; h < 2; h++) {
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 20 + 32 * c + 16 * h, LE);
                    // bits 4-5 of the index: qh bits 2(b%4), 2(b%4)+1 rotated to bits 4-5 (32-bit lanes)
                    IntVector qh = IntVector.fromMemorySegment(I128, w, q + 148 + 32 * (c / 2) + 16 * h, LE);
                    for (int k = 0; k < 2; k++) {
                        int b = 2 * c + k, ib = 2 * b + h;
                        ByteVector idx = (k == 0 ? v : v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes())
                                .lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - 2 * (b % 4)) & 31).reinterpretAsBytes(), (byte) 0x30).and((byte) 0x3F);
                        FloatVector shift = FloatVector.fromArray(F, SHIFTS, ((extra >>> ib) & 1) * FL);
                        float dl = d * w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, q + 4 + ib);
                        for (int p = 0; p < P16; p++) {
                            FloatVector iv = (FloatVector) idx.convertShape(B2F, F, p);
                            iv.fma(iv.fma(iv.fma(c3, c2), c1), c0).add(ROUND).sub(ROUND).add(shift).mul(dl).intoArray(dst, o + 32 * b + 16 * h + p * FL);
                        }
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector c3 = FloatVector.broadcast(F, C3), c2 = FloatVector.broadcast(F, C2);
        FloatVector c1 = FloatVector.broadcast(F, C1), c0 = FloatVector.broadcast(F, C0);
        FloatVector acc = FloatVector.zero(F);
        long q = rowOffset;
        for (int xb = 0; xb < n; xb += QK, q += blockBytes) {
            int extra = w.get(LE_SHORT, q + 2);
            long scalesLo = w.get(LE_LONG, q + 4), scalesHi = w.get(LE_LONG, q + 12);
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            for (int c = 0; c < 4; c++) {
                long scales = c < 2 ? scalesLo : scalesHi;
                for (int h = 0; h < 2; h++) {
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 20 + 32 * c + 16 * h, LE);
                    IntVector qh = IntVector.fromMemorySegment(I128, w, q + 148 + 32 * (c / 2) + 16 * h, LE);
                    int b0 = 2 * c, b1 = 2 * c + 1;
                    int ib0 = 2 * b0 + h, ib1 = 2 * b1 + h;
                    ByteVector i0 = v.lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - 2 * (b0 % 4)) & 31).reinterpretAsBytes(), (byte) 0x30).and((byte) 0x3F);
                    ByteVector i1 = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - 2 * (b1 % 4)) & 31).reinterpretAsBytes(), (byte) 0x30).and((byte) 0x3F);
                    FloatVector sh0 = FloatVector.fromArray(F, SHIFTS, ((extra >>> ib0) & 1) * FL);
                    FloatVector sh1 = FloatVector.fromArray(F, SHIFTS, ((extra >>> ib1) & 1) * FL);
                    int xo0 = xb + 32 * b0 + 16 * h, xo1 = xo0 + 32;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        FloatVector f0 = (FloatVector) i0.convertShape(B2F, F, p);
                        FloatVector f1 = (FloatVector) i1.convertShape(B2F, F, p);
                        f0 = f0.fma(f0.fma(f0.fma(c3, c2), c1), c0).add(ROUND).sub(ROUND).add(sh0);
                        f1 = f1.fma(f1.fma(f1.fma(c3, c2), c1), c0).add(ROUND).sub(ROUND).add(sh1);
                        s0 = f0.fma(FloatVector.fromArray(F, x, xo0 + p * FL), s0);
                        s1 = f1.fma(FloatVector.fromArray(F, x, xo1 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SCALES[(int) (scales >>> (8 * (ib0 % 8))) & 0xFF]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SCALES[(int) (scales >>> (8 * (ib1 % 8))) & 0xFF]), a1);
                }
            }
            acc = a0.add(a1).fma(FloatVector.broadcast(F, fp16(w, q)), acc);
        }
        return sumLanes(acc);
    }
}
