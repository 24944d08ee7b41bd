package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q6_K: ql[128], qh[64], int8 scales[16], fp16 d. Half h, l < 32, ql' = ql + 64h, qh' = qh + 32h:
 * element 128h + 32k + l takes low 4 bits from ql'[l + 32(k&1)] (nibble k/2) and high 2 bits from
 * qh'[l] bits 2k; y = d·scale[e/16]·(q − 32).
 */
final class Q6_KRowKernel extends NaturalOrderRowKernel {

    private static final int BYTES = 210;

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }


    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q6_K", col, n, 256);
        long q = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q + 208));
            long sc0 = w.get(LE_LONG, q + 192), sc1 = w.get(LE_LONG, q + 200);
            for (int hg = 0; hg < 4; hg++) {
                int h = hg >> 1, g = hg & 1;
                ByteVector ql0 = ByteVector.fromMemorySegment(B128, w, q + 64 * h + 16 * g, LE);
                ByteVector ql1 = ByteVector.fromMemorySegment(B128, w, q + 64 * h + 32 + 16 * g, LE);
                ByteVector qh = ByteVector.fromMemorySegment(B128, w, q + 128 + 32 * h + 16 * g, LE);
                ByteVector e0 = ql0.and((byte) 15).or(qh.reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                ByteVector e1 = ql1.and((byte) 15).or(qh.reinterpretAsInts().lanewise(LSHL, 2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                ByteVector e2 = ql0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(qh.and((byte) 0x30)).sub((byte) 32);
                ByteVector e3 = ql1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(qh.reinterpretAsInts().lanewise(LSHR, 2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                int sb = 8 * h + g;
                int o = dstOffset + 256 * blk + 16 * sb;
                float c0 = d * ((byte) (((sb) < 8 ? (sc0) : (sc1)) >>> (8 * ((sb) & 7)))), c1 = d * ((byte) (((sb + 2) < 8 ? (sc0) : (sc1)) >>> (8 * ((sb + 2) & 7))));
                float c2 = d * ((byte) (((sb + 4) < 8 ? (sc0) : (sc1)) >>> (8 * ((sb + 4) & 7)))), c3 = d * ((byte) (((sb + 6) < 8 ? (sc0) : (sc1)) >>> (8 * ((sb + 6) & 7))));
                ((FloatVector) e0.convertShape(B2F, F, 0)).mul(c0).intoArray(dst, o);
                if (P16 > 1) {
                    ((FloatVector) e0.convertShape(B2F, F, 1)).mul(c0).intoArray(dst, o + FL);
                    if (P16 > 2) {
                        ((FloatVector) e0.convertShape(B2F, F, 2)).mul(c0).intoArray(dst, o + 2 * FL);
                        ((FloatVector) e0.convertShape(B2F, F, 3)).mul(c0).intoArray(dst, o + 3 * FL);
                    }
                }
                ((FloatVector) e1.convertShape(B2F, F, 0)).mul(c1).intoArray(dst, o + 32);
                if (P16 > 1) {
                    ((FloatVector) e1.convertShape(B2F, F, 1)).mul(c1).intoArray(dst, o + 32 + FL);
                    if (P16 > 2) {
                        ((FloatVector) e1.convertShape(B2F, F, 2)).mul(c1).intoArray(dst, o + 32 + 2 * FL);
                        ((FloatVector) e1.convertShape(B2F, F, 3)).mul(c1).intoArray(dst, o + 32 + 3 * FL);
                    }
                }
                ((FloatVector) e2.convertShape(B2F, F, 0)).mul(c2).intoArray(dst, o + 64);
                if (P16 > 1) {
                    ((FloatVector) e2.convertShape(B2F, F, 1)).mul(c2).intoArray(dst, o + 64 + FL);
                    if (P16 > 2) {
                        ((FloatVector) e2.convertShape(B2F, F, 2)).mul(c2).intoArray(dst, o + 64 + 2 * FL);
                        ((FloatVector) e2.convertShape(B2F, F, 3)).mul(c2).intoArray(dst, o + 64 + 3 * FL);
                    }
                }
                ((FloatVector) e3.convertShape(B2F, F, 0)).mul(c3).intoArray(dst, o + 96);
                if (P16 > 1) {
                    ((FloatVector) e3.convertShape(B2F, F, 1)).mul(c3).intoArray(dst, o + 96 + FL);
                    if (P16 > 2) {
                        ((FloatVector) e3.convertShape(B2F, F, 2)).mul(c3).intoArray(dst, o + 96 + 2 * FL);
                        ((FloatVector) e3.convertShape(B2F, F, 3)).mul(c3).intoArray(dst, o + 96 + 3 * FL);
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        // two of the four 64-element groups per iteration: unrolling all four exceeds C2's node
        // budget and the vectors get boxed
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long q = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q + 208));
            long sc0 = w.get(LE_LONG, q + 192), sc1 = w.get(LE_LONG, q + 200);
            for (int h = 0; h < 2; h++) {
                int xb = 256 * blk + 128 * h;
                long sc = h == 0 ? sc0 : sc1;
                {
                    ByteVector ql0 = ByteVector.fromMemorySegment(B128, w, q + 64 * h + 0, LE);
                    ByteVector ql1 = ByteVector.fromMemorySegment(B128, w, q + 64 * h + 32, LE);
                    ByteVector qh = ByteVector.fromMemorySegment(B128, w, q + 128 + 32 * h + 0, LE);
                    ByteVector e0 = ql0.and((byte) 15).or(qh.reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                    ByteVector e1 = ql1.and((byte) 15).or(qh.reinterpretAsInts().lanewise(LSHL, 2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                    ByteVector e2 = ql0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(qh.and((byte) 0x30)).sub((byte) 32);
                    ByteVector e3 = ql1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(qh.reinterpretAsInts().lanewise(LSHR, 2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    FloatVector s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
                    s0 = ((FloatVector) e0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 0), s0);
                    if (P16 > 1) {
                        s0 = ((FloatVector) e0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 0 + FL), s0);
                        if (P16 > 2) {
                            s0 = ((FloatVector) e0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 0 + 2 * FL), s0);
                            s0 = ((FloatVector) e0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 0 + 3 * FL), s0);
                        }
                    }
                    s1 = ((FloatVector) e1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 32), s1);
                    if (P16 > 1) {
                        s1 = ((FloatVector) e1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 32 + FL), s1);
                        if (P16 > 2) {
                            s1 = ((FloatVector) e1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 32 + 2 * FL), s1);
                            s1 = ((FloatVector) e1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 32 + 3 * FL), s1);
                        }
                    }
                    s2 = ((FloatVector) e2.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 64), s2);
                    if (P16 > 1) {
                        s2 = ((FloatVector) e2.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 64 + FL), s2);
                        if (P16 > 2) {
                            s2 = ((FloatVector) e2.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 64 + 2 * FL), s2);
                            s2 = ((FloatVector) e2.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 64 + 3 * FL), s2);
                        }
                    }
                    s3 = ((FloatVector) e3.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 96), s3);
                    if (P16 > 1) {
                        s3 = ((FloatVector) e3.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 96 + FL), s3);
                        if (P16 > 2) {
                            s3 = ((FloatVector) e3.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 96 + 2 * FL), s3);
                            s3 = ((FloatVector) e3.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 96 + 3 * FL), s3);
                        }
                    }
                    acc0 = s0.fma(FloatVector.broadcast(F, d * (byte) (sc >>> 0)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * (byte) (sc >>> 16)), acc1);
                    acc0 = s2.fma(FloatVector.broadcast(F, d * (byte) (sc >>> 32)), acc0);
                    acc1 = s3.fma(FloatVector.broadcast(F, d * (byte) (sc >>> 48)), acc1);
                }
                {
                    ByteVector ql0 = ByteVector.fromMemorySegment(B128, w, q + 64 * h + 16, LE);
                    ByteVector ql1 = ByteVector.fromMemorySegment(B128, w, q + 64 * h + 48, LE);
                    ByteVector qh = ByteVector.fromMemorySegment(B128, w, q + 128 + 32 * h + 16, LE);
                    ByteVector e0 = ql0.and((byte) 15).or(qh.reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                    ByteVector e1 = ql1.and((byte) 15).or(qh.reinterpretAsInts().lanewise(LSHL, 2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                    ByteVector e2 = ql0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(qh.and((byte) 0x30)).sub((byte) 32);
                    ByteVector e3 = ql1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(qh.reinterpretAsInts().lanewise(LSHR, 2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    FloatVector s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
                    s0 = ((FloatVector) e0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 16), s0);
                    if (P16 > 1) {
                        s0 = ((FloatVector) e0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 16 + FL), s0);
                        if (P16 > 2) {
                            s0 = ((FloatVector) e0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 16 + 2 * FL), s0);
                            s0 = ((FloatVector) e0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 16 + 3 * FL), s0);
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
                    s2 = ((FloatVector) e2.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 80), s2);
                    if (P16 > 1) {
                        s2 = ((FloatVector) e2.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 80 + FL), s2);
                        if (P16 > 2) {
                            s2 = ((FloatVector) e2.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 80 + 2 * FL), s2);
                            s2 = ((FloatVector) e2.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 80 + 3 * FL), s2);
                        }
                    }
                    s3 = ((FloatVector) e3.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 112), s3);
                    if (P16 > 1) {
                        s3 = ((FloatVector) e3.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 112 + FL), s3);
                        if (P16 > 2) {
                            s3 = ((FloatVector) e3.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 112 + 2 * FL), s3);
                            s3 = ((FloatVector) e3.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 112 + 3 * FL), s3);
                        }
                    }
                    acc0 = s0.fma(FloatVector.broadcast(F, d * (byte) (sc >>> 8)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * (byte) (sc >>> 24)), acc1);
                    acc0 = s2.fma(FloatVector.broadcast(F, d * (byte) (sc >>> 40)), acc0);
                    acc1 = s3.fma(FloatVector.broadcast(F, d * (byte) (sc >>> 56)), acc1);
                }
            }
        }
        return sumLanes(acc0.add(acc1));
    }
}
