package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q2_K: scales[16] (low nibble scale, high nibble min per 16-sub-block), qs[64], fp16 d, fp16 dmin;
 * element 128h + 32s + l = (qs[32h + l] >> 2s) & 3; y = d·sc·q − dmin·m.
 */
final class Q2_KRowKernel extends NaturalOrderRowKernel {

    private static final int BYTES = 84;

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    @Override
    public boolean needsGroupSums() {
        return true;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q2_K", col, n, 256);
        long q = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q + 80));
            float dmin = Float.float16ToFloat(w.get(LE_SHORT, q + 82));
            for (int hg = 0; hg < 4; hg++) {
                int h = hg >> 1, g = hg & 1;
                ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 32 * h + 16 * g, LE);
                for (int s = 0; s < 4; s++) {
                    int sb = 8 * h + 2 * s + g;
                    int sc = (w.get(ValueLayout.JAVA_BYTE, q + sb) & 0xFF);
                    ByteVector e = v.reinterpretAsInts().lanewise(LSHR, 2 * s).reinterpretAsBytes().and((byte) 3);
                    float scale = d * (sc & 15);
                    float bias = -dmin * (sc >>> 4);
                    int o = dstOffset + 256 * blk + 16 * sb;
                    ((FloatVector) e.convertShape(B2F, F, 0)).fma(scale, bias).intoArray(dst, o);
                    if (P16 > 1) {
                        ((FloatVector) e.convertShape(B2F, F, 1)).fma(scale, bias).intoArray(dst, o + FL);
                        if (P16 > 2) {
                            ((FloatVector) e.convertShape(B2F, F, 2)).fma(scale, bias).intoArray(dst, o + 2 * FL);
                            ((FloatVector) e.convertShape(B2F, F, 3)).fma(scale, bias).intoArray(dst, o + 3 * FL);
                        }
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        // the four 2-bit planes unrolled (constant shifts and scale offsets)
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        float minTerm = 0;
        long q = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q + 80));
            float mins = 0;
            for (int h = 0; h < 2; h++) {
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 16 + 32 * h, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 32 + 32 * h, LE);
                long scw = w.get(LE_LONG, q + 8 * h);
                int gs = 16 * blk + 8 * h;
                int xb = 256 * blk + 128 * h;
                {
                    int sc0 = (int) (scw >>> 0) & 0xFF, sc1 = (int) (scw >>> 8) & 0xFF;
                    ByteVector e0 = v0.and((byte) 3);
                    ByteVector e1 = v1.and((byte) 3);
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
                    acc0 = s0.fma(FloatVector.broadcast(F, d * (sc0 & 15)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * (sc1 & 15)), acc1);
                    mins += (sc0 >>> 4) * xSums16[gs + 0] + (sc1 >>> 4) * xSums16[gs + 1];
                }
                {
                    int sc0 = (int) (scw >>> 16) & 0xFF, sc1 = (int) (scw >>> 24) & 0xFF;
                    ByteVector e0 = v0.reinterpretAsInts().lanewise(LSHR, 2).reinterpretAsBytes().and((byte) 3);
                    ByteVector e1 = v1.reinterpretAsInts().lanewise(LSHR, 2).reinterpretAsBytes().and((byte) 3);
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
                    acc0 = s0.fma(FloatVector.broadcast(F, d * (sc0 & 15)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * (sc1 & 15)), acc1);
                    mins += (sc0 >>> 4) * xSums16[gs + 2] + (sc1 >>> 4) * xSums16[gs + 3];
                }
                {
                    int sc0 = (int) (scw >>> 32) & 0xFF, sc1 = (int) (scw >>> 40) & 0xFF;
                    ByteVector e0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 3);
                    ByteVector e1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 3);
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
                    acc0 = s0.fma(FloatVector.broadcast(F, d * (sc0 & 15)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * (sc1 & 15)), acc1);
                    mins += (sc0 >>> 4) * xSums16[gs + 4] + (sc1 >>> 4) * xSums16[gs + 5];
                }
                {
                    int sc0 = (int) (scw >>> 48) & 0xFF, sc1 = (int) (scw >>> 56) & 0xFF;
                    ByteVector e0 = v0.reinterpretAsInts().lanewise(LSHR, 6).reinterpretAsBytes().and((byte) 3);
                    ByteVector e1 = v1.reinterpretAsInts().lanewise(LSHR, 6).reinterpretAsBytes().and((byte) 3);
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
                    acc0 = s0.fma(FloatVector.broadcast(F, d * (sc0 & 15)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * (sc1 & 15)), acc1);
                    mins += (sc0 >>> 4) * xSums16[gs + 6] + (sc1 >>> 4) * xSums16[gs + 7];
                }
            }
            minTerm += Float.float16ToFloat(w.get(LE_SHORT, q + 82)) * mins;
        }
        return sumLanes(acc0.add(acc1)) - minTerm;
    }
}
