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
 * y = d·scale·q.
 */
final class Q3_KRowKernel implements RowKernel {

    private static final int BYTES = 110;

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    /**
     * Signed scale k (0..15) from the 12 scale bytes read as ints a (bytes 0-3), b (4-7), c (8-11):
     * low 4 bits are nibble k/8 of byte k%8, high 2 bits are bits 2(k/4) of byte 8 + k%4.
     */
    static int scale(int a, int b, int c, int k) {
        int lowBytes = (k & 7) < 4 ? a : b;
        int low = (lowBytes >>> (8 * (k & 3) + 4 * (k >>> 3))) & 15;
        int high = (c >>> (8 * (k & 3) + 2 * (k >>> 2))) & 3;
        return (low | high << 4) - 32;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q3_K", col, n, 256);
        long q = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = fp16(w, q + 108);
            int a = w.get(LE_INT, q + 96), b = w.get(LE_INT, q + 100), c = w.get(LE_INT, q + 104);
            for (int hg = 0; hg < 4; hg++) {
                int h = hg >> 1, g = hg & 1;
                ByteVector hm = ByteVector.fromMemorySegment(B128, w, q + 16 * g, LE);
                ByteVector qs = ByteVector.fromMemorySegment(B128, w, q + 32 + 32 * h + 16 * g, LE);
                for (int s = 0; s < 4; s++) {
                    int sb = 8 * h + 2 * s + g;
                    ByteVector e = qs.lanewise(LSHR, 2 * s).and((byte) 3)
                            .or(hm.lanewise(LSHR, 4 * h + s).and((byte) 1).lanewise(LSHL, 2)).sub((byte) 4);
                    float sc = d * scale(a, b, c, sb);
                    int o = dstOffset + 256 * blk + 16 * sb;
                    for (int p = 0; p < P16; p++) {
                ((FloatVector) e.convertShape(B2F, F, p)).mul(sc).intoArray(dst, o + p * FL);
            }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long q = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = fp16(w, q + 108);
            int a = w.get(LE_INT, q + 96), b = w.get(LE_INT, q + 100), c = w.get(LE_INT, q + 104);
            ByteVector hm0 = ByteVector.fromMemorySegment(B128, w, q, LE);
            ByteVector hm1 = ByteVector.fromMemorySegment(B128, w, q + 16, LE);
            for (int h = 0; h < 2; h++) {
                ByteVector qs0 = ByteVector.fromMemorySegment(B128, w, q + 32 + 32 * h, LE);
                ByteVector qs1 = ByteVector.fromMemorySegment(B128, w, q + 48 + 32 * h, LE);
                for (int s = 0; s < 4; s++) {
                    int sb = 8 * h + 2 * s;
                    int hs = 4 * h + s;
                    ByteVector e0 = qs0.lanewise(LSHR, 2 * s).and((byte) 3)
                            .or(hm0.lanewise(LSHR, hs).and((byte) 1).lanewise(LSHL, 2)).sub((byte) 4);
                    ByteVector e1 = qs1.lanewise(LSHR, 2 * s).and((byte) 3)
                            .or(hm1.lanewise(LSHR, hs).and((byte) 1).lanewise(LSHL, 2)).sub((byte) 4);
                    int xo = 256 * blk + 16 * sb;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                s0 = ((FloatVector) e0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
            }
                    for (int p = 0; p < P16; p++) {
                s1 = ((FloatVector) e1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
            }
                    acc0 = s0.fma(FloatVector.broadcast(F, d * scale(a, b, c, sb)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * scale(a, b, c, sb + 1)), acc1);
                }
            }
        }
        return acc0.add(acc1).reduceLanes(ADD);
    }
}
