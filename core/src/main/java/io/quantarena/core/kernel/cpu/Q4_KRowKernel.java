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
final class Q4_KRowKernel implements RowKernel {

    private static final int BYTES = 144;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public boolean needsGroupSums() {
        return true;
    }

    /**
     * 6-bit value j (0..7) of the 12-byte scale field (spec §6.3): {@code lowBytes} = bytes 0-3 for
     * scales or 4-7 for mins, {@code nib} = bytes 8-11 (scales) or the same shifted right by 4 (mins).
     */
    static int scale(int lowBytes, int nib, int j) {
        if (j < 4) {
            return (lowBytes >>> (8 * j)) & 63;
        }
        return ((nib >>> (8 * (j - 4))) & 15) | (((lowBytes >>> (8 * (j - 4) + 6)) & 3) << 4);
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q4_K", col, n, 256);
        long q = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = fp16(w, q);
            float dmin = fp16(w, q + 2);
            int a = w.get(LE_INT, q + 4), b = w.get(LE_INT, q + 8), cc = w.get(LE_INT, q + 12);
            for (int c = 0; c < 4; c++) {
                float s0 = d * scale(a, cc, 2 * c), s1 = d * scale(a, cc, 2 * c + 1);
                float m0 = -dmin * scale(b, cc >>> 4, 2 * c), m1 = -dmin * scale(b, cc >>> 4, 2 * c + 1);
                for (int g = 0; g < 2; g++) {
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 32 * c + 16 * g, LE);
                    ByteVector lo = v.and((byte) 15);
                    ByteVector hi = v.lanewise(LSHR, 4);
                    int o = dstOffset + 256 * blk + 64 * c + 16 * g;
                    for (int p = 0; p < P16; p++) {
                ((FloatVector) lo.convertShape(B2F, F, p)).fma(s0, m0).intoArray(dst, o + p * FL);
            }
                    for (int p = 0; p < P16; p++) {
                ((FloatVector) hi.convertShape(B2F, F, p)).fma(s1, m1).intoArray(dst, o + 32 + p * FL);
            }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        float minTerm = 0;
        long q = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = fp16(w, q);
            int a = w.get(LE_INT, q + 4), b = w.get(LE_INT, q + 8), cc = w.get(LE_INT, q + 12);
            int gs = 16 * blk;
            float mins = 0;
            for (int c = 0; c < 4; c++) {
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 16 + 32 * c, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 32 + 32 * c, LE);
                ByteVector l0 = v0.and((byte) 15), l1 = v1.and((byte) 15);
                ByteVector h0 = v0.lanewise(LSHR, 4), h1 = v1.lanewise(LSHR, 4);
                int xo = 256 * blk + 64 * c;
                FloatVector lo = FloatVector.zero(F), hi = FloatVector.zero(F);
                for (int p = 0; p < P16; p++) {
                lo = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), lo);
            }
                for (int p = 0; p < P16; p++) {
                lo = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), lo);
            }
                for (int p = 0; p < P16; p++) {
                hi = ((FloatVector) h0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 32 + p * FL), hi);
            }
                for (int p = 0; p < P16; p++) {
                hi = ((FloatVector) h1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 48 + p * FL), hi);
            }
                acc0 = lo.fma(FloatVector.broadcast(F, d * scale(a, cc, 2 * c)), acc0);
                acc1 = hi.fma(FloatVector.broadcast(F, d * scale(a, cc, 2 * c + 1)), acc1);
                mins += scale(b, cc >>> 4, 2 * c) * (xSums16[gs + 4 * c] + xSums16[gs + 4 * c + 1])
                        + scale(b, cc >>> 4, 2 * c + 1) * (xSums16[gs + 4 * c + 2] + xSums16[gs + 4 * c + 3]);
            }
            minTerm += fp16(w, q + 2) * mins;
        }
        return acc0.add(acc1).reduceLanes(ADD) - minTerm;
    }
}
