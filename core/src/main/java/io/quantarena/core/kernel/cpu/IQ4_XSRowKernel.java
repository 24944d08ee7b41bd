package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ4_XS: fp16 d, scales_h (uint16), scales_l[4], qs[128]; sub-block b (32 elements) uses
 * qs[16b..16b+16) (low nibble → element j, high → 16+j) and the 6-bit scale ls − 32;
 * y = d·ls·V[q].
 */
final class IQ4_XSRowKernel extends NaturalOrderRowKernel {

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
        // sub-blocks unrolled so that scale shifts are constants and nothing spills
        ByteVector t = ByteVector.fromArray(B128, IQ4_NLRowKernel.VALUES, 0);
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long q = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            int sh = w.get(LE_SHORT, q + 2) & 0xFFFF;
            int sl = w.get(LE_INT, q + 4);
            int xb = 256 * blk;
            {
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 8, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 24, LE);
                ByteVector l0 = v0.and((byte) 15).selectFrom(t), h0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).selectFrom(t);
                ByteVector l1 = v1.and((byte) 15).selectFrom(t), h1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).selectFrom(t);
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                s0 = ((FloatVector) l0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 0), s0);
                if (P16 > 1) {
                    s0 = ((FloatVector) l0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 0 + FL), s0);
                    if (P16 > 2) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 0 + 2 * FL), s0);
                        s0 = ((FloatVector) l0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 0 + 3 * FL), s0);
                    }
                }
                s0 = ((FloatVector) h0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 16), s0);
                if (P16 > 1) {
                    s0 = ((FloatVector) h0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 16 + FL), s0);
                    if (P16 > 2) {
                        s0 = ((FloatVector) h0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 16 + 2 * FL), s0);
                        s0 = ((FloatVector) h0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 16 + 3 * FL), s0);
                    }
                }
                s1 = ((FloatVector) l1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 32), s1);
                if (P16 > 1) {
                    s1 = ((FloatVector) l1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 32 + FL), s1);
                    if (P16 > 2) {
                        s1 = ((FloatVector) l1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 32 + 2 * FL), s1);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 32 + 3 * FL), s1);
                    }
                }
                s1 = ((FloatVector) h1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 48), s1);
                if (P16 > 1) {
                    s1 = ((FloatVector) h1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 48 + FL), s1);
                    if (P16 > 2) {
                        s1 = ((FloatVector) h1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 48 + 2 * FL), s1);
                        s1 = ((FloatVector) h1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 48 + 3 * FL), s1);
                    }
                }
                acc0 = s0.fma(FloatVector.broadcast(F, d * (((((sl) >>> (4 * (0))) & 15) | ((((sh) >>> (2 * (0))) & 3) << 4)) - 32)), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F, d * (((((sl) >>> (4 * (1))) & 15) | ((((sh) >>> (2 * (1))) & 3) << 4)) - 32)), acc1);
            }
            {
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 40, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 56, LE);
                ByteVector l0 = v0.and((byte) 15).selectFrom(t), h0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).selectFrom(t);
                ByteVector l1 = v1.and((byte) 15).selectFrom(t), h1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).selectFrom(t);
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                s0 = ((FloatVector) l0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 64), s0);
                if (P16 > 1) {
                    s0 = ((FloatVector) l0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 64 + FL), s0);
                    if (P16 > 2) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 64 + 2 * FL), s0);
                        s0 = ((FloatVector) l0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 64 + 3 * FL), s0);
                    }
                }
                s0 = ((FloatVector) h0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 80), s0);
                if (P16 > 1) {
                    s0 = ((FloatVector) h0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 80 + FL), s0);
                    if (P16 > 2) {
                        s0 = ((FloatVector) h0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 80 + 2 * FL), s0);
                        s0 = ((FloatVector) h0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 80 + 3 * FL), s0);
                    }
                }
                s1 = ((FloatVector) l1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 96), s1);
                if (P16 > 1) {
                    s1 = ((FloatVector) l1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 96 + FL), s1);
                    if (P16 > 2) {
                        s1 = ((FloatVector) l1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 96 + 2 * FL), s1);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 96 + 3 * FL), s1);
                    }
                }
                s1 = ((FloatVector) h1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 112), s1);
                if (P16 > 1) {
                    s1 = ((FloatVector) h1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 112 + FL), s1);
                    if (P16 > 2) {
                        s1 = ((FloatVector) h1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 112 + 2 * FL), s1);
                        s1 = ((FloatVector) h1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 112 + 3 * FL), s1);
                    }
                }
                acc0 = s0.fma(FloatVector.broadcast(F, d * (((((sl) >>> (4 * (2))) & 15) | ((((sh) >>> (2 * (2))) & 3) << 4)) - 32)), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F, d * (((((sl) >>> (4 * (3))) & 15) | ((((sh) >>> (2 * (3))) & 3) << 4)) - 32)), acc1);
            }
            {
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 72, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 88, LE);
                ByteVector l0 = v0.and((byte) 15).selectFrom(t), h0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).selectFrom(t);
                ByteVector l1 = v1.and((byte) 15).selectFrom(t), h1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).selectFrom(t);
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                s0 = ((FloatVector) l0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 128), s0);
                if (P16 > 1) {
                    s0 = ((FloatVector) l0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 128 + FL), s0);
                    if (P16 > 2) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 128 + 2 * FL), s0);
                        s0 = ((FloatVector) l0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 128 + 3 * FL), s0);
                    }
                }
                s0 = ((FloatVector) h0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 144), s0);
                if (P16 > 1) {
                    s0 = ((FloatVector) h0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 144 + FL), s0);
                    if (P16 > 2) {
                        s0 = ((FloatVector) h0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 144 + 2 * FL), s0);
                        s0 = ((FloatVector) h0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 144 + 3 * FL), s0);
                    }
                }
                s1 = ((FloatVector) l1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 160), s1);
                if (P16 > 1) {
                    s1 = ((FloatVector) l1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 160 + FL), s1);
                    if (P16 > 2) {
                        s1 = ((FloatVector) l1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 160 + 2 * FL), s1);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 160 + 3 * FL), s1);
                    }
                }
                s1 = ((FloatVector) h1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 176), s1);
                if (P16 > 1) {
                    s1 = ((FloatVector) h1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 176 + FL), s1);
                    if (P16 > 2) {
                        s1 = ((FloatVector) h1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 176 + 2 * FL), s1);
                        s1 = ((FloatVector) h1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 176 + 3 * FL), s1);
                    }
                }
                acc0 = s0.fma(FloatVector.broadcast(F, d * (((((sl) >>> (4 * (4))) & 15) | ((((sh) >>> (2 * (4))) & 3) << 4)) - 32)), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F, d * (((((sl) >>> (4 * (5))) & 15) | ((((sh) >>> (2 * (5))) & 3) << 4)) - 32)), acc1);
            }
            {
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 104, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 120, LE);
                ByteVector l0 = v0.and((byte) 15).selectFrom(t), h0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).selectFrom(t);
                ByteVector l1 = v1.and((byte) 15).selectFrom(t), h1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).selectFrom(t);
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                s0 = ((FloatVector) l0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 192), s0);
                if (P16 > 1) {
                    s0 = ((FloatVector) l0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 192 + FL), s0);
                    if (P16 > 2) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 192 + 2 * FL), s0);
                        s0 = ((FloatVector) l0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 192 + 3 * FL), s0);
                    }
                }
                s0 = ((FloatVector) h0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 208), s0);
                if (P16 > 1) {
                    s0 = ((FloatVector) h0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 208 + FL), s0);
                    if (P16 > 2) {
                        s0 = ((FloatVector) h0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 208 + 2 * FL), s0);
                        s0 = ((FloatVector) h0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 208 + 3 * FL), s0);
                    }
                }
                s1 = ((FloatVector) l1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 224), s1);
                if (P16 > 1) {
                    s1 = ((FloatVector) l1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 224 + FL), s1);
                    if (P16 > 2) {
                        s1 = ((FloatVector) l1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 224 + 2 * FL), s1);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 224 + 3 * FL), s1);
                    }
                }
                s1 = ((FloatVector) h1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 240), s1);
                if (P16 > 1) {
                    s1 = ((FloatVector) h1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 240 + FL), s1);
                    if (P16 > 2) {
                        s1 = ((FloatVector) h1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 240 + 2 * FL), s1);
                        s1 = ((FloatVector) h1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 240 + 3 * FL), s1);
                    }
                }
                acc0 = s0.fma(FloatVector.broadcast(F, d * (((((sl) >>> (4 * (6))) & 15) | ((((sh) >>> (2 * (6))) & 3) << 4)) - 32)), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F, d * (((((sl) >>> (4 * (7))) & 15) | ((((sh) >>> (2 * (7))) & 3) << 4)) - 32)), acc1);
            }
        }
        return sumLanes(acc0.add(acc1));
    }
}
