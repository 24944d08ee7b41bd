package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q3_K: hmask[32], qs[64], scales[12] (16 six-bit signed scales), fp16 d. Element 128h + 32s + l:
 * low 2 bits (qs[32h + l] >> 2s) & 3, high bit = bit (4h + s) of hmask[l]; q = (low | high<<2) − 4;
 * y = d·scale·q. Scale k: low 4 bits = nibble k/8 of byte k%8, high 2 bits = bits 2(k/4) of
 * byte 8 + k%4, minus 32.
 */
final class Q3_KRowKernel extends NaturalOrderRowKernel {

    private static final int BYTES = 110;

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }


    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q3_K", col, n, 256);
        long q = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q + 108));
            int a = w.get(LE_INT, q + 96), b = w.get(LE_INT, q + 100), c = w.get(LE_INT, q + 104);
            for (int hg = 0; hg < 4; hg++) {
                int h = hg >> 1, g = hg & 1;
                ByteVector hm = ByteVector.fromMemorySegment(B128, w, q + 16 * g, LE);
                ByteVector qs = ByteVector.fromMemorySegment(B128, w, q + 32 + 32 * h + 16 * g, LE);
                for (int s = 0; s < 4; s++) {
                    int sb = 8 * h + 2 * s + g;
                    ByteVector e = qs.reinterpretAsInts().lanewise(LSHR, 2 * s).reinterpretAsBytes().and((byte) 3)
                            .or(hm.reinterpretAsInts().lanewise(LSHR, 4 * h + s).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 2).reinterpretAsBytes()).sub((byte) 4);
                    float sc = d * (((((((sb) & 7) < 4 ? (a) : (b)) >>> (8 * ((sb) & 3) + 4 * ((sb) >>> 3))) & 15) | ((((c) >>> (8 * ((sb) & 3) + 2 * ((sb) >>> 2))) & 3) << 4)) - 32);
                    int o = dstOffset + 256 * blk + 16 * sb;
                    ((FloatVector) e.convertShape(B2F, F, 0)).mul(sc).intoArray(dst, o);
                    if (P16 > 1) {
                        ((FloatVector) e.convertShape(B2F, F, 1)).mul(sc).intoArray(dst, o + FL);
                        if (P16 > 2) {
                            ((FloatVector) e.convertShape(B2F, F, 2)).mul(sc).intoArray(dst, o + 2 * FL);
                            ((FloatVector) e.convertShape(B2F, F, 3)).mul(sc).intoArray(dst, o + 3 * FL);
                        }
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        // the four 2-bit planes unrolled (constant shifts)
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long q = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q + 108));
            int a = w.get(LE_INT, q + 96), b = w.get(LE_INT, q + 100), c = w.get(LE_INT, q + 104);
            ByteVector hm0 = ByteVector.fromMemorySegment(B128, w, q, LE);
            ByteVector hm1 = ByteVector.fromMemorySegment(B128, w, q + 16, LE);
            for (int h = 0; h < 2; h++) {
                ByteVector qs0 = ByteVector.fromMemorySegment(B128, w, q + 32 + 32 * h, LE);
                ByteVector qs1 = ByteVector.fromMemorySegment(B128, w, q + 48 + 32 * h, LE);
                int xb = 256 * blk + 128 * h;
                {
                    int sb = 8 * h + 0;
                    int hs = 4 * h + 0;
                    ByteVector e0 = qs0.and((byte) 3)
                            .or(hm0.reinterpretAsInts().lanewise(LSHR, hs).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 2).reinterpretAsBytes()).sub((byte) 4);
                    ByteVector e1 = qs1.and((byte) 3)
                            .or(hm1.reinterpretAsInts().lanewise(LSHR, hs).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 2).reinterpretAsBytes()).sub((byte) 4);
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    s0 = ((FloatVector) e0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 0), s0);
                    if (P16 > 1) {
                        s0 = ((FloatVector) e0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 0 + FL), s0);
                        if (P16 > 2) {
                            s0 = ((FloatVector) e0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 0 + 2 * FL), s0);
                            s0 = ((FloatVector) e0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 0 + 3 * FL), s0);
                        }
                    }
                    s1 = ((FloatVector) e1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 16), s1);
                    if (P16 > 1) {
                        s1 = ((FloatVector) e1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 16 + FL), s1);
                        if (P16 > 2) {
                            s1 = ((FloatVector) e1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 16 + 2 * FL), s1);
                            s1 = ((FloatVector) e1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 16 + 3 * FL), s1);
                        }
                    }
                    acc0 = s0.fma(FloatVector.broadcast(F, d * (((((((sb) & 7) < 4 ? (a) : (b)) >>> (8 * ((sb) & 3) + 4 * ((sb) >>> 3))) & 15) | ((((c) >>> (8 * ((sb) & 3) + 2 * ((sb) >>> 2))) & 3) << 4)) - 32)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * (((((((sb + 1) & 7) < 4 ? (a) : (b)) >>> (8 * ((sb + 1) & 3) + 4 * ((sb + 1) >>> 3))) & 15) | ((((c) >>> (8 * ((sb + 1) & 3) + 2 * ((sb + 1) >>> 2))) & 3) << 4)) - 32)), acc1);
                }
                {
                    int sb = 8 * h + 2;
                    int hs = 4 * h + 1;
                    ByteVector e0 = qs0.reinterpretAsInts().lanewise(LSHR, 2).reinterpretAsBytes().and((byte) 3)
                            .or(hm0.reinterpretAsInts().lanewise(LSHR, hs).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 2).reinterpretAsBytes()).sub((byte) 4);
                    ByteVector e1 = qs1.reinterpretAsInts().lanewise(LSHR, 2).reinterpretAsBytes().and((byte) 3)
                            .or(hm1.reinterpretAsInts().lanewise(LSHR, hs).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 2).reinterpretAsBytes()).sub((byte) 4);
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    s0 = ((FloatVector) e0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 32), s0);
                    if (P16 > 1) {
                        s0 = ((FloatVector) e0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 32 + FL), s0);
                        if (P16 > 2) {
                            s0 = ((FloatVector) e0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 32 + 2 * FL), s0);
                            s0 = ((FloatVector) e0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 32 + 3 * FL), s0);
                        }
                    }
                    s1 = ((FloatVector) e1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 48), s1);
                    if (P16 > 1) {
                        s1 = ((FloatVector) e1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 48 + FL), s1);
                        if (P16 > 2) {
                            s1 = ((FloatVector) e1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 48 + 2 * FL), s1);
                            s1 = ((FloatVector) e1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 48 + 3 * FL), s1);
                        }
                    }
                    acc0 = s0.fma(FloatVector.broadcast(F, d * (((((((sb) & 7) < 4 ? (a) : (b)) >>> (8 * ((sb) & 3) + 4 * ((sb) >>> 3))) & 15) | ((((c) >>> (8 * ((sb) & 3) + 2 * ((sb) >>> 2))) & 3) << 4)) - 32)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * (((((((sb + 1) & 7) < 4 ? (a) : (b)) >>> (8 * ((sb + 1) & 3) + 4 * ((sb + 1) >>> 3))) & 15) | ((((c) >>> (8 * ((sb + 1) & 3) + 2 * ((sb + 1) >>> 2))) & 3) << 4)) - 32)), acc1);
                }
                {
                    int sb = 8 * h + 4;
                    int hs = 4 * h + 2;
                    ByteVector e0 = qs0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 3)
                            .or(hm0.reinterpretAsInts().lanewise(LSHR, hs).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 2).reinterpretAsBytes()).sub((byte) 4);
                    ByteVector e1 = qs1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 3)
                            .or(hm1.reinterpretAsInts().lanewise(LSHR, hs).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 2).reinterpretAsBytes()).sub((byte) 4);
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    s0 = ((FloatVector) e0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 64), s0);
                    if (P16 > 1) {
                        s0 = ((FloatVector) e0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 64 + FL), s0);
                        if (P16 > 2) {
                            s0 = ((FloatVector) e0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 64 + 2 * FL), s0);
                            s0 = ((FloatVector) e0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 64 + 3 * FL), s0);
                        }
                    }
                    s1 = ((FloatVector) e1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 80), s1);
                    if (P16 > 1) {
                        s1 = ((FloatVector) e1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 80 + FL), s1);
                        if (P16 > 2) {
                            s1 = ((FloatVector) e1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 80 + 2 * FL), s1);
                            s1 = ((FloatVector) e1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 80 + 3 * FL), s1);
                        }
                    }
                    acc0 = s0.fma(FloatVector.broadcast(F, d * (((((((sb) & 7) < 4 ? (a) : (b)) >>> (8 * ((sb) & 3) + 4 * ((sb) >>> 3))) & 15) | ((((c) >>> (8 * ((sb) & 3) + 2 * ((sb) >>> 2))) & 3) << 4)) - 32)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * (((((((sb + 1) & 7) < 4 ? (a) : (b)) >>> (8 * ((sb + 1) & 3) + 4 * ((sb + 1) >>> 3))) & 15) | ((((c) >>> (8 * ((sb + 1) & 3) + 2 * ((sb + 1) >>> 2))) & 3) << 4)) - 32)), acc1);
                }
                {
                    int sb = 8 * h + 6;
                    int hs = 4 * h + 3;
                    ByteVector e0 = qs0.reinterpretAsInts().lanewise(LSHR, 6).reinterpretAsBytes().and((byte) 3)
                            .or(hm0.reinterpretAsInts().lanewise(LSHR, hs).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 2).reinterpretAsBytes()).sub((byte) 4);
                    ByteVector e1 = qs1.reinterpretAsInts().lanewise(LSHR, 6).reinterpretAsBytes().and((byte) 3)
                            .or(hm1.reinterpretAsInts().lanewise(LSHR, hs).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 2).reinterpretAsBytes()).sub((byte) 4);
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    s0 = ((FloatVector) e0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 96), s0);
                    if (P16 > 1) {
                        s0 = ((FloatVector) e0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 96 + FL), s0);
                        if (P16 > 2) {
                            s0 = ((FloatVector) e0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 96 + 2 * FL), s0);
                            s0 = ((FloatVector) e0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 96 + 3 * FL), s0);
                        }
                    }
                    s1 = ((FloatVector) e1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 112), s1);
                    if (P16 > 1) {
                        s1 = ((FloatVector) e1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 112 + FL), s1);
                        if (P16 > 2) {
                            s1 = ((FloatVector) e1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 112 + 2 * FL), s1);
                            s1 = ((FloatVector) e1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 112 + 3 * FL), s1);
                        }
                    }
                    acc0 = s0.fma(FloatVector.broadcast(F, d * (((((((sb) & 7) < 4 ? (a) : (b)) >>> (8 * ((sb) & 3) + 4 * ((sb) >>> 3))) & 15) | ((((c) >>> (8 * ((sb) & 3) + 2 * ((sb) >>> 2))) & 3) << 4)) - 32)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * (((((((sb + 1) & 7) < 4 ? (a) : (b)) >>> (8 * ((sb + 1) & 3) + 4 * ((sb + 1) >>> 3))) & 15) | ((((c) >>> (8 * ((sb + 1) & 3) + 2 * ((sb + 1) >>> 2))) & 3) << 4)) - 32)), acc1);
                }
            }
        }
        return sumLanes(acc0.add(acc1));
    }
}
