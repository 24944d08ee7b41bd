package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ4_XS: fp16 d, scales_h (uint16), scales_l[4], qs[128]; sub-block b (32 elements) uses
 * qs[16b..16b+16) (low nibble → element j, high → 16+j) and the 6-bit scale ls − 32;
 * y = d·ls·V[q].
 */
final class IQ4_XSRowKernel implements RowKernel {

    private static final int BYTES = 136;

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_XS;
    }


    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("iq4_xs", col, n, 256);
        ByteVector t = ByteVector.fromArray(B128, IQ4_NLRowKernel.VALUES, 0);
        long q = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            int sh = w.get(LE_SHORT, q + 2) & 0xFFFF;
            int sl = w.get(LE_INT, q + 4);
            for (int b = 0; b < 8; b++) {
                float s = d * (((((sl) >>> (4 * (b))) & 15) | ((((sh) >>> (2 * (b))) & 3) << 4)) - 32);
                ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 8 + 16 * b, LE);
                ByteVector lo = v.and((byte) 15).selectFrom(t);
                ByteVector hi = v.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).selectFrom(t);
                int o = dstOffset + 256 * blk + 32 * b;
                ((FloatVector) lo.convertShape(B2F, F, 0)).mul(s).intoArray(dst, o);
                if (P16 > 1) {
                    ((FloatVector) lo.convertShape(B2F, F, 1)).mul(s).intoArray(dst, o + FL);
                    if (P16 > 2) {
                        ((FloatVector) lo.convertShape(B2F, F, 2)).mul(s).intoArray(dst, o + 2 * FL);
                        ((FloatVector) lo.convertShape(B2F, F, 3)).mul(s).intoArray(dst, o + 3 * FL);
                    }
                }
                ((FloatVector) hi.convertShape(B2F, F, 0)).mul(s).intoArray(dst, o + 16);
                if (P16 > 1) {
                    ((FloatVector) hi.convertShape(B2F, F, 1)).mul(s).intoArray(dst, o + 16 + FL);
                    if (P16 > 2) {
                        ((FloatVector) hi.convertShape(B2F, F, 2)).mul(s).intoArray(dst, o + 16 + 2 * FL);
                        ((FloatVector) hi.convertShape(B2F, F, 3)).mul(s).intoArray(dst, o + 16 + 3 * FL);
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        ByteVector t = ByteVector.fromArray(B128, IQ4_NLRowKernel.VALUES, 0);
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long q = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            int sh = w.get(LE_SHORT, q + 2) & 0xFFFF;
            int sl = w.get(LE_INT, q + 4);
            // the eight 6-bit scales as bytes (nibble j of scales_l, bits 2j..2j+1 of scales_h on top), converted
            // as one vector: scalar int → float conversions per sub-block cost more than the products
            long ls = Long.expand(sl & 0xFFFFFFFFL, 0x0F0F0F0F0F0F0F0FL) | (Long.expand(sh, 0x0303030303030303L) << 4);
            ByteVector lsBytes = LongVector.broadcast(L128, ls).reinterpretAsBytes();
            FloatVector sc0 = ((FloatVector) lsBytes.convertShape(B2F, F, 0)).sub(32f).mul(d);
            FloatVector sc1 = FL >= 8 ? sc0 : ((FloatVector) lsBytes.convertShape(B2F, F, 1)).sub(32f).mul(d);
            for (int b = 0; b < 8; b += 2) {
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 8 + 16 * b, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 24 + 16 * b, LE);
                ByteVector l0 = v0.and((byte) 15).selectFrom(t), h0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).selectFrom(t);
                ByteVector l1 = v1.and((byte) 15).selectFrom(t), h1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).selectFrom(t);
                int xo = 256 * blk + 32 * b;
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                s0 = ((FloatVector) l0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo), s0);
                if (P16 > 1) {
                    s0 = ((FloatVector) l0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + FL), s0);
                    if (P16 > 2) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 2 * FL), s0);
                        s0 = ((FloatVector) l0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 3 * FL), s0);
                    }
                }
                s0 = ((FloatVector) h0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + 16), s0);
                if (P16 > 1) {
                    s0 = ((FloatVector) h0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + 16 + FL), s0);
                    if (P16 > 2) {
                        s0 = ((FloatVector) h0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 16 + 2 * FL), s0);
                        s0 = ((FloatVector) h0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 16 + 3 * FL), s0);
                    }
                }
                s1 = ((FloatVector) l1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + 32), s1);
                if (P16 > 1) {
                    s1 = ((FloatVector) l1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + 32 + FL), s1);
                    if (P16 > 2) {
                        s1 = ((FloatVector) l1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 32 + 2 * FL), s1);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 32 + 3 * FL), s1);
                    }
                }
                s1 = ((FloatVector) h1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + 48), s1);
                if (P16 > 1) {
                    s1 = ((FloatVector) h1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + 48 + FL), s1);
                    if (P16 > 2) {
                        s1 = ((FloatVector) h1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 48 + 2 * FL), s1);
                        s1 = ((FloatVector) h1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 48 + 3 * FL), s1);
                    }
                }
                FloatVector sc = b < 4 || FL >= 8 ? sc0 : sc1;
                acc0 = s0.fma(sc.rearrange(b == 0 ? LANE_0 : b == 2 ? LANE_2 : b == 4 ? LANE_4 : LANE_6), acc0);
                acc1 = s1.fma(sc.rearrange(b == 0 ? LANE_1 : b == 2 ? LANE_3 : b == 4 ? LANE_5 : LANE_7), acc1);
            }
        }
        return sumLanes(acc0.add(acc1));
    }
}
