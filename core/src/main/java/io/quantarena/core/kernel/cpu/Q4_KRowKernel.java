package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q4_K: fp16 d, fp16 dmin, scales[12], qs[128]. Chunk c covers elements 64c..64c+63: low nibbles
 * of qs[32c..32c+32) (sub-block 2c) then high nibbles (sub-block 2c+1); y = d·sc·q − dmin·m.
 */
final class Q4_KRowKernel extends NaturalOrderRowKernel {

    private static final int BYTES = 144;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public boolean needsGroupSums() {
        return true;
    }


    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q4_K", col, n, 256);
        long q = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            float dmin = Float.float16ToFloat(w.get(LE_SHORT, q + 2));
            int a = w.get(LE_INT, q + 4), b = w.get(LE_INT, q + 8), cc = w.get(LE_INT, q + 12);
            for (int c = 0; c < 4; c++) {
                float s0 = d * ((2 * c) < 4 ? ((a) >>> (8 * (2 * c))) & 63 : (((cc) >>> (8 * ((2 * c) - 4))) & 15) | ((((a) >>> (8 * ((2 * c) - 4) + 6)) & 3) << 4)), s1 = d * ((2 * c + 1) < 4 ? ((a) >>> (8 * (2 * c + 1))) & 63 : (((cc) >>> (8 * ((2 * c + 1) - 4))) & 15) | ((((a) >>> (8 * ((2 * c + 1) - 4) + 6)) & 3) << 4));
                float m0 = -dmin * ((2 * c) < 4 ? ((b) >>> (8 * (2 * c))) & 63 : (((cc >>> 4) >>> (8 * ((2 * c) - 4))) & 15) | ((((b) >>> (8 * ((2 * c) - 4) + 6)) & 3) << 4)), m1 = -dmin * ((2 * c + 1) < 4 ? ((b) >>> (8 * (2 * c + 1))) & 63 : (((cc >>> 4) >>> (8 * ((2 * c + 1) - 4))) & 15) | ((((b) >>> (8 * ((2 * c + 1) - 4) + 6)) & 3) << 4));
                for (int g = 0; g < 2; g++) {
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 32 * c + 16 * g, LE);
                    ByteVector lo = v.and((byte) 15);
                    ByteVector hi = v.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15);
                    int o = dstOffset + 256 * blk + 64 * c + 16 * g;
                    ((FloatVector) lo.convertShape(B2F, F, 0)).fma(s0, m0).intoArray(dst, o);
                    if (P16 > 1) {
                        ((FloatVector) lo.convertShape(B2F, F, 1)).fma(s0, m0).intoArray(dst, o + FL);
                        if (P16 > 2) {
                            ((FloatVector) lo.convertShape(B2F, F, 2)).fma(s0, m0).intoArray(dst, o + 2 * FL);
                            ((FloatVector) lo.convertShape(B2F, F, 3)).fma(s0, m0).intoArray(dst, o + 3 * FL);
                        }
                    }
                    ((FloatVector) hi.convertShape(B2F, F, 0)).fma(s1, m1).intoArray(dst, o + 32);
                    if (P16 > 1) {
                        ((FloatVector) hi.convertShape(B2F, F, 1)).fma(s1, m1).intoArray(dst, o + 32 + FL);
                        if (P16 > 2) {
                            ((FloatVector) hi.convertShape(B2F, F, 2)).fma(s1, m1).intoArray(dst, o + 32 + 2 * FL);
                            ((FloatVector) hi.convertShape(B2F, F, 3)).fma(s1, m1).intoArray(dst, o + 32 + 3 * FL);
                        }
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        // fully unrolled per super-block: C2 keeps everything in registers (a loop over the four
        // 64-element chunks spilled its induction values and re-decoded scales)
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        float minTerm = 0;
        long q = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            int a = w.get(LE_INT, q + 4), b = w.get(LE_INT, q + 8), cc = w.get(LE_INT, q + 12);
            int gs = 16 * blk;
            int xb = 256 * blk;
            float mins = 0;
            {
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 16, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 32, LE);
                ByteVector l0 = v0.and((byte) 15), l1 = v1.and((byte) 15);
                ByteVector h0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15), h1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15);
                FloatVector lo = FloatVector.zero(F), hi = FloatVector.zero(F);
                lo = ((FloatVector) l0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 0), lo);
                if (P16 > 1) {
                    lo = ((FloatVector) l0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 0 + FL), lo);
                    if (P16 > 2) {
                        lo = ((FloatVector) l0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 0 + 2 * FL), lo);
                        lo = ((FloatVector) l0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 0 + 3 * FL), lo);
                    }
                }
                lo = ((FloatVector) l1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 16), lo);
                if (P16 > 1) {
                    lo = ((FloatVector) l1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 16 + FL), lo);
                    if (P16 > 2) {
                        lo = ((FloatVector) l1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 16 + 2 * FL), lo);
                        lo = ((FloatVector) l1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 16 + 3 * FL), lo);
                    }
                }
                hi = ((FloatVector) h0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 32), hi);
                if (P16 > 1) {
                    hi = ((FloatVector) h0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 32 + FL), hi);
                    if (P16 > 2) {
                        hi = ((FloatVector) h0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 32 + 2 * FL), hi);
                        hi = ((FloatVector) h0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 32 + 3 * FL), hi);
                    }
                }
                hi = ((FloatVector) h1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 48), hi);
                if (P16 > 1) {
                    hi = ((FloatVector) h1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 48 + FL), hi);
                    if (P16 > 2) {
                        hi = ((FloatVector) h1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 48 + 2 * FL), hi);
                        hi = ((FloatVector) h1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 48 + 3 * FL), hi);
                    }
                }
                acc0 = lo.fma(FloatVector.broadcast(F, d * ((0) < 4 ? ((a) >>> (8 * (0))) & 63 : (((cc) >>> (8 * ((0) - 4))) & 15) | ((((a) >>> (8 * ((0) - 4) + 6)) & 3) << 4))), acc0);
                acc1 = hi.fma(FloatVector.broadcast(F, d * ((1) < 4 ? ((a) >>> (8 * (1))) & 63 : (((cc) >>> (8 * ((1) - 4))) & 15) | ((((a) >>> (8 * ((1) - 4) + 6)) & 3) << 4))), acc1);
                mins += ((0) < 4 ? ((b) >>> (8 * (0))) & 63 : (((cc >>> 4) >>> (8 * ((0) - 4))) & 15) | ((((b) >>> (8 * ((0) - 4) + 6)) & 3) << 4)) * (xSums16[gs + 0] + xSums16[gs + 1])
                        + ((1) < 4 ? ((b) >>> (8 * (1))) & 63 : (((cc >>> 4) >>> (8 * ((1) - 4))) & 15) | ((((b) >>> (8 * ((1) - 4) + 6)) & 3) << 4)) * (xSums16[gs + 2] + xSums16[gs + 3]);
            }
            {
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 48, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 64, LE);
                ByteVector l0 = v0.and((byte) 15), l1 = v1.and((byte) 15);
                ByteVector h0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15), h1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15);
                FloatVector lo = FloatVector.zero(F), hi = FloatVector.zero(F);
                lo = ((FloatVector) l0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 64), lo);
                if (P16 > 1) {
                    lo = ((FloatVector) l0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 64 + FL), lo);
                    if (P16 > 2) {
                        lo = ((FloatVector) l0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 64 + 2 * FL), lo);
                        lo = ((FloatVector) l0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 64 + 3 * FL), lo);
                    }
                }
                lo = ((FloatVector) l1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 80), lo);
                if (P16 > 1) {
                    lo = ((FloatVector) l1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 80 + FL), lo);
                    if (P16 > 2) {
                        lo = ((FloatVector) l1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 80 + 2 * FL), lo);
                        lo = ((FloatVector) l1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 80 + 3 * FL), lo);
                    }
                }
                hi = ((FloatVector) h0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 96), hi);
                if (P16 > 1) {
                    hi = ((FloatVector) h0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 96 + FL), hi);
                    if (P16 > 2) {
                        hi = ((FloatVector) h0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 96 + 2 * FL), hi);
                        hi = ((FloatVector) h0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 96 + 3 * FL), hi);
                    }
                }
                hi = ((FloatVector) h1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 112), hi);
                if (P16 > 1) {
                    hi = ((FloatVector) h1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 112 + FL), hi);
                    if (P16 > 2) {
                        hi = ((FloatVector) h1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 112 + 2 * FL), hi);
                        hi = ((FloatVector) h1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 112 + 3 * FL), hi);
                    }
                }
                acc0 = lo.fma(FloatVector.broadcast(F, d * ((2) < 4 ? ((a) >>> (8 * (2))) & 63 : (((cc) >>> (8 * ((2) - 4))) & 15) | ((((a) >>> (8 * ((2) - 4) + 6)) & 3) << 4))), acc0);
                acc1 = hi.fma(FloatVector.broadcast(F, d * ((3) < 4 ? ((a) >>> (8 * (3))) & 63 : (((cc) >>> (8 * ((3) - 4))) & 15) | ((((a) >>> (8 * ((3) - 4) + 6)) & 3) << 4))), acc1);
                mins += ((2) < 4 ? ((b) >>> (8 * (2))) & 63 : (((cc >>> 4) >>> (8 * ((2) - 4))) & 15) | ((((b) >>> (8 * ((2) - 4) + 6)) & 3) << 4)) * (xSums16[gs + 4] + xSums16[gs + 5])
                        + ((3) < 4 ? ((b) >>> (8 * (3))) & 63 : (((cc >>> 4) >>> (8 * ((3) - 4))) & 15) | ((((b) >>> (8 * ((3) - 4) + 6)) & 3) << 4)) * (xSums16[gs + 6] + xSums16[gs + 7]);
            }
            {
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 80, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 96, LE);
                ByteVector l0 = v0.and((byte) 15), l1 = v1.and((byte) 15);
                ByteVector h0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15), h1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15);
                FloatVector lo = FloatVector.zero(F), hi = FloatVector.zero(F);
                lo = ((FloatVector) l0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 128), lo);
                if (P16 > 1) {
                    lo = ((FloatVector) l0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 128 + FL), lo);
                    if (P16 > 2) {
                        lo = ((FloatVector) l0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 128 + 2 * FL), lo);
                        lo = ((FloatVector) l0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 128 + 3 * FL), lo);
                    }
                }
                lo = ((FloatVector) l1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 144), lo);
                if (P16 > 1) {
                    lo = ((FloatVector) l1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 144 + FL), lo);
                    if (P16 > 2) {
                        lo = ((FloatVector) l1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 144 + 2 * FL), lo);
                        lo = ((FloatVector) l1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 144 + 3 * FL), lo);
                    }
                }
                hi = ((FloatVector) h0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 160), hi);
                if (P16 > 1) {
                    hi = ((FloatVector) h0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 160 + FL), hi);
                    if (P16 > 2) {
                        hi = ((FloatVector) h0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 160 + 2 * FL), hi);
                        hi = ((FloatVector) h0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 160 + 3 * FL), hi);
                    }
                }
                hi = ((FloatVector) h1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 176), hi);
                if (P16 > 1) {
                    hi = ((FloatVector) h1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 176 + FL), hi);
                    if (P16 > 2) {
                        hi = ((FloatVector) h1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 176 + 2 * FL), hi);
                        hi = ((FloatVector) h1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 176 + 3 * FL), hi);
                    }
                }
                acc0 = lo.fma(FloatVector.broadcast(F, d * ((4) < 4 ? ((a) >>> (8 * (4))) & 63 : (((cc) >>> (8 * ((4) - 4))) & 15) | ((((a) >>> (8 * ((4) - 4) + 6)) & 3) << 4))), acc0);
                acc1 = hi.fma(FloatVector.broadcast(F, d * ((5) < 4 ? ((a) >>> (8 * (5))) & 63 : (((cc) >>> (8 * ((5) - 4))) & 15) | ((((a) >>> (8 * ((5) - 4) + 6)) & 3) << 4))), acc1);
                mins += ((4) < 4 ? ((b) >>> (8 * (4))) & 63 : (((cc >>> 4) >>> (8 * ((4) - 4))) & 15) | ((((b) >>> (8 * ((4) - 4) + 6)) & 3) << 4)) * (xSums16[gs + 8] + xSums16[gs + 9])
                        + ((5) < 4 ? ((b) >>> (8 * (5))) & 63 : (((cc >>> 4) >>> (8 * ((5) - 4))) & 15) | ((((b) >>> (8 * ((5) - 4) + 6)) & 3) << 4)) * (xSums16[gs + 10] + xSums16[gs + 11]);
            }
            {
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 112, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 128, LE);
                ByteVector l0 = v0.and((byte) 15), l1 = v1.and((byte) 15);
                ByteVector h0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15), h1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15);
                FloatVector lo = FloatVector.zero(F), hi = FloatVector.zero(F);
                lo = ((FloatVector) l0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 192), lo);
                if (P16 > 1) {
                    lo = ((FloatVector) l0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 192 + FL), lo);
                    if (P16 > 2) {
                        lo = ((FloatVector) l0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 192 + 2 * FL), lo);
                        lo = ((FloatVector) l0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 192 + 3 * FL), lo);
                    }
                }
                lo = ((FloatVector) l1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 208), lo);
                if (P16 > 1) {
                    lo = ((FloatVector) l1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 208 + FL), lo);
                    if (P16 > 2) {
                        lo = ((FloatVector) l1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 208 + 2 * FL), lo);
                        lo = ((FloatVector) l1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 208 + 3 * FL), lo);
                    }
                }
                hi = ((FloatVector) h0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 224), hi);
                if (P16 > 1) {
                    hi = ((FloatVector) h0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 224 + FL), hi);
                    if (P16 > 2) {
                        hi = ((FloatVector) h0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 224 + 2 * FL), hi);
                        hi = ((FloatVector) h0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 224 + 3 * FL), hi);
                    }
                }
                hi = ((FloatVector) h1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + 240), hi);
                if (P16 > 1) {
                    hi = ((FloatVector) h1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + 240 + FL), hi);
                    if (P16 > 2) {
                        hi = ((FloatVector) h1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xb + 240 + 2 * FL), hi);
                        hi = ((FloatVector) h1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xb + 240 + 3 * FL), hi);
                    }
                }
                acc0 = lo.fma(FloatVector.broadcast(F, d * ((6) < 4 ? ((a) >>> (8 * (6))) & 63 : (((cc) >>> (8 * ((6) - 4))) & 15) | ((((a) >>> (8 * ((6) - 4) + 6)) & 3) << 4))), acc0);
                acc1 = hi.fma(FloatVector.broadcast(F, d * ((7) < 4 ? ((a) >>> (8 * (7))) & 63 : (((cc) >>> (8 * ((7) - 4))) & 15) | ((((a) >>> (8 * ((7) - 4) + 6)) & 3) << 4))), acc1);
                mins += ((6) < 4 ? ((b) >>> (8 * (6))) & 63 : (((cc >>> 4) >>> (8 * ((6) - 4))) & 15) | ((((b) >>> (8 * ((6) - 4) + 6)) & 3) << 4)) * (xSums16[gs + 12] + xSums16[gs + 13])
                        + ((7) < 4 ? ((b) >>> (8 * (7))) & 63 : (((cc >>> 4) >>> (8 * ((7) - 4))) & 15) | ((((b) >>> (8 * ((7) - 4) + 6)) & 3) << 4)) * (xSums16[gs + 14] + xSums16[gs + 15]);
            }
            minTerm += Float.float16ToFloat(w.get(LE_SHORT, q + 2)) * mins;
        }
        return sumLanes(acc0.add(acc1)) - minTerm;
    }
}
