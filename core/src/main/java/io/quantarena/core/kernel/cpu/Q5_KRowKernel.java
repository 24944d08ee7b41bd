package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q5_K: fp16 d, fp16 dmin, scales[12], qh[32], qs[128]. As Q4_K plus a fifth bit: element 64c + l
 * takes bit 2c of qh[l], element 64c + 32 + l bit 2c+1; y = d·sc·q − dmin·m.
 */
final class Q5_KRowKernel extends NaturalOrderRowKernel {

    private static final int BYTES = 176;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    @Override
    public boolean needsGroupSums() {
        return true;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q5_K", col, n, 256);
        long q = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            float dmin = Float.float16ToFloat(w.get(LE_SHORT, q + 2));
            int a = w.get(LE_INT, q + 4), b = w.get(LE_INT, q + 8), cc = w.get(LE_INT, q + 12);
            for (int c = 0; c < 4; c++) {
                float s0 = d * ((2 * c) < 4 ? ((a) >>> (8 * (2 * c))) & 63 : (((cc) >>> (8 * ((2 * c) - 4))) & 15) | ((((a) >>> (8 * ((2 * c) - 4) + 6)) & 3) << 4)), s1 = d * ((2 * c + 1) < 4 ? ((a) >>> (8 * (2 * c + 1))) & 63 : (((cc) >>> (8 * ((2 * c + 1) - 4))) & 15) | ((((a) >>> (8 * ((2 * c + 1) - 4) + 6)) & 3) << 4));
                float m0 = -dmin * ((2 * c) < 4 ? ((b) >>> (8 * (2 * c))) & 63 : (((cc >>> 4) >>> (8 * ((2 * c) - 4))) & 15) | ((((b) >>> (8 * ((2 * c) - 4) + 6)) & 3) << 4));
                float m1 = -dmin * ((2 * c + 1) < 4 ? ((b) >>> (8 * (2 * c + 1))) & 63 : (((cc >>> 4) >>> (8 * ((2 * c + 1) - 4))) & 15) | ((((b) >>> (8 * ((2 * c + 1) - 4) + 6)) & 3) << 4));
                for (int g = 0; g < 2; g++) {
                    ByteVector qh = ByteVector.fromMemorySegment(B128, w, q + 16 + 16 * g, LE);
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 48 + 32 * c + 16 * g, LE);
                    ByteVector lo = v.and((byte) 15).or(qh.reinterpretAsInts().lanewise(LSHR, 2 * c).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes());
                    ByteVector hi = v.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(qh.reinterpretAsInts().lanewise(LSHR, 2 * c + 1).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes());
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
        // two 64-element chunks per iteration (all four exceed C2's node budget)
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        float minTerm = 0;
        long q = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            int a = w.get(LE_INT, q + 4), b = w.get(LE_INT, q + 8), cc = w.get(LE_INT, q + 12);
            ByteVector qh0 = ByteVector.fromMemorySegment(B128, w, q + 16, LE);
            ByteVector qh1 = ByteVector.fromMemorySegment(B128, w, q + 32, LE);
            int gs = 16 * blk;
            float mins = 0;
            for (int c = 0; c < 4; c += 2) {
                {
                    int j0 = 2 * c + 0, j1 = 2 * c + 1;
                    ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 48 + 32 * c + 0, LE);
                    ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 64 + 32 * c + 0, LE);
                    ByteVector l0 = v0.and((byte) 15).or(qh0.reinterpretAsInts().lanewise(LSHR, j0).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes());
                    ByteVector l1 = v1.and((byte) 15).or(qh1.reinterpretAsInts().lanewise(LSHR, j0).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes());
                    ByteVector h0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(qh0.reinterpretAsInts().lanewise(LSHR, j1).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes());
                    ByteVector h1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(qh1.reinterpretAsInts().lanewise(LSHR, j1).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes());
                    int xo = 256 * blk + 64 * c + 0;
                    FloatVector lo = FloatVector.zero(F), hi = FloatVector.zero(F);
                    lo = ((FloatVector) l0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo), lo);
                    if (P16 > 1) {
                        lo = ((FloatVector) l0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + FL), lo);
                        if (P16 > 2) {
                            lo = ((FloatVector) l0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 2 * FL), lo);
                            lo = ((FloatVector) l0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 3 * FL), lo);
                        }
                    }
                    lo = ((FloatVector) l1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + 16), lo);
                    if (P16 > 1) {
                        lo = ((FloatVector) l1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + 16 + FL), lo);
                        if (P16 > 2) {
                            lo = ((FloatVector) l1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 16 + 2 * FL), lo);
                            lo = ((FloatVector) l1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 16 + 3 * FL), lo);
                        }
                    }
                    hi = ((FloatVector) h0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + 32), hi);
                    if (P16 > 1) {
                        hi = ((FloatVector) h0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + 32 + FL), hi);
                        if (P16 > 2) {
                            hi = ((FloatVector) h0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 32 + 2 * FL), hi);
                            hi = ((FloatVector) h0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 32 + 3 * FL), hi);
                        }
                    }
                    hi = ((FloatVector) h1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + 48), hi);
                    if (P16 > 1) {
                        hi = ((FloatVector) h1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + 48 + FL), hi);
                        if (P16 > 2) {
                            hi = ((FloatVector) h1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 48 + 2 * FL), hi);
                            hi = ((FloatVector) h1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 48 + 3 * FL), hi);
                        }
                    }
                    acc0 = lo.fma(FloatVector.broadcast(F, d * ((j0) < 4 ? ((a) >>> (8 * (j0))) & 63 : (((cc) >>> (8 * ((j0) - 4))) & 15) | ((((a) >>> (8 * ((j0) - 4) + 6)) & 3) << 4))), acc0);
                    acc1 = hi.fma(FloatVector.broadcast(F, d * ((j1) < 4 ? ((a) >>> (8 * (j1))) & 63 : (((cc) >>> (8 * ((j1) - 4))) & 15) | ((((a) >>> (8 * ((j1) - 4) + 6)) & 3) << 4))), acc1);
                    mins += ((j0) < 4 ? ((b) >>> (8 * (j0))) & 63 : (((cc >>> 4) >>> (8 * ((j0) - 4))) & 15) | ((((b) >>> (8 * ((j0) - 4) + 6)) & 3) << 4)) * (xSums16[gs + 2 * j0] + xSums16[gs + 2 * j0 + 1])
                            + ((j1) < 4 ? ((b) >>> (8 * (j1))) & 63 : (((cc >>> 4) >>> (8 * ((j1) - 4))) & 15) | ((((b) >>> (8 * ((j1) - 4) + 6)) & 3) << 4)) * (xSums16[gs + 2 * j1] + xSums16[gs + 2 * j1 + 1]);
                }
                {
                    int j0 = 2 * c + 2, j1 = 2 * c + 3;
                    ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 48 + 32 * c + 32, LE);
                    ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 64 + 32 * c + 32, LE);
                    ByteVector l0 = v0.and((byte) 15).or(qh0.reinterpretAsInts().lanewise(LSHR, j0).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes());
                    ByteVector l1 = v1.and((byte) 15).or(qh1.reinterpretAsInts().lanewise(LSHR, j0).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes());
                    ByteVector h0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(qh0.reinterpretAsInts().lanewise(LSHR, j1).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes());
                    ByteVector h1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15).or(qh1.reinterpretAsInts().lanewise(LSHR, j1).reinterpretAsBytes().and((byte) 1).reinterpretAsInts().lanewise(LSHL, 4).reinterpretAsBytes());
                    int xo = 256 * blk + 64 * c + 64;
                    FloatVector lo = FloatVector.zero(F), hi = FloatVector.zero(F);
                    lo = ((FloatVector) l0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo), lo);
                    if (P16 > 1) {
                        lo = ((FloatVector) l0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + FL), lo);
                        if (P16 > 2) {
                            lo = ((FloatVector) l0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 2 * FL), lo);
                            lo = ((FloatVector) l0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 3 * FL), lo);
                        }
                    }
                    lo = ((FloatVector) l1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + 16), lo);
                    if (P16 > 1) {
                        lo = ((FloatVector) l1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + 16 + FL), lo);
                        if (P16 > 2) {
                            lo = ((FloatVector) l1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 16 + 2 * FL), lo);
                            lo = ((FloatVector) l1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 16 + 3 * FL), lo);
                        }
                    }
                    hi = ((FloatVector) h0.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + 32), hi);
                    if (P16 > 1) {
                        hi = ((FloatVector) h0.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + 32 + FL), hi);
                        if (P16 > 2) {
                            hi = ((FloatVector) h0.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 32 + 2 * FL), hi);
                            hi = ((FloatVector) h0.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 32 + 3 * FL), hi);
                        }
                    }
                    hi = ((FloatVector) h1.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + 48), hi);
                    if (P16 > 1) {
                        hi = ((FloatVector) h1.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xo + 48 + FL), hi);
                        if (P16 > 2) {
                            hi = ((FloatVector) h1.convertShape(B2F, F, 2)).fma(FloatVector.fromArray(F, x, xo + 48 + 2 * FL), hi);
                            hi = ((FloatVector) h1.convertShape(B2F, F, 3)).fma(FloatVector.fromArray(F, x, xo + 48 + 3 * FL), hi);
                        }
                    }
                    acc0 = lo.fma(FloatVector.broadcast(F, d * ((j0) < 4 ? ((a) >>> (8 * (j0))) & 63 : (((cc) >>> (8 * ((j0) - 4))) & 15) | ((((a) >>> (8 * ((j0) - 4) + 6)) & 3) << 4))), acc0);
                    acc1 = hi.fma(FloatVector.broadcast(F, d * ((j1) < 4 ? ((a) >>> (8 * (j1))) & 63 : (((cc) >>> (8 * ((j1) - 4))) & 15) | ((((a) >>> (8 * ((j1) - 4) + 6)) & 3) << 4))), acc1);
                    mins += ((j0) < 4 ? ((b) >>> (8 * (j0))) & 63 : (((cc >>> 4) >>> (8 * ((j0) - 4))) & 15) | ((((b) >>> (8 * ((j0) - 4) + 6)) & 3) << 4)) * (xSums16[gs + 2 * j0] + xSums16[gs + 2 * j0 + 1])
                            + ((j1) < 4 ? ((b) >>> (8 * (j1))) & 63 : (((cc >>> 4) >>> (8 * ((j1) - 4))) & 15) | ((((b) >>> (8 * ((j1) - 4) + 6)) & 3) << 4)) * (xSums16[gs + 2 * j1] + xSums16[gs + 2 * j1 + 1]);
                }
            }
            minTerm += Float.float16ToFloat(w.get(LE_SHORT, q + 2)) * mins;
        }
        return sumLanes(acc0.add(acc1)) - minTerm;
    }
}
