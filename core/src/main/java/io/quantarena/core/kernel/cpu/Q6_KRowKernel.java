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
final class Q6_KRowKernel implements RowKernel {

    private static final int BYTES = 210;

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    private static int scale(MemorySegment w, long q, int sb) {
        return w.get(ValueLayout.JAVA_BYTE, q + 192 + sb);
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q6_K", col, n, 256);
        long q = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = fp16(w, q + 208);
            for (int hg = 0; hg < 4; hg++) {
                int h = hg >> 1, g = hg & 1;
                ByteVector ql0 = ByteVector.fromMemorySegment(B128, w, q + 64 * h + 16 * g, LE);
                ByteVector ql1 = ByteVector.fromMemorySegment(B128, w, q + 64 * h + 32 + 16 * g, LE);
                ByteVector qh = ByteVector.fromMemorySegment(B128, w, q + 128 + 32 * h + 16 * g, LE);
                ByteVector e0 = ql0.and((byte) 15).or(qh.lanewise(LSHL, 4).and((byte) 0x30)).sub((byte) 32);
                ByteVector e1 = ql1.and((byte) 15).or(qh.lanewise(LSHL, 2).and((byte) 0x30)).sub((byte) 32);
                ByteVector e2 = ql0.lanewise(LSHR, 4).or(qh.and((byte) 0x30)).sub((byte) 32);
                ByteVector e3 = ql1.lanewise(LSHR, 4).or(qh.lanewise(LSHR, 2).and((byte) 0x30)).sub((byte) 32);
                int sb = 8 * h + g;
                int o = dstOffset + 256 * blk + 16 * sb;
                float c0 = d * scale(w, q, sb), c1 = d * scale(w, q, sb + 2);
                float c2 = d * scale(w, q, sb + 4), c3 = d * scale(w, q, sb + 6);
                for (int p = 0; p < P16; p++) {
                ((FloatVector) e0.convertShape(B2F, F, p)).mul(c0).intoArray(dst, o + p * FL);
            }
                for (int p = 0; p < P16; p++) {
                ((FloatVector) e1.convertShape(B2F, F, p)).mul(c1).intoArray(dst, o + 32 + p * FL);
            }
                for (int p = 0; p < P16; p++) {
                ((FloatVector) e2.convertShape(B2F, F, p)).mul(c2).intoArray(dst, o + 64 + p * FL);
            }
                for (int p = 0; p < P16; p++) {
                ((FloatVector) e3.convertShape(B2F, F, p)).mul(c3).intoArray(dst, o + 96 + p * FL);
            }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long q = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, q += BYTES) {
            float d = fp16(w, q + 208);
            for (int hg = 0; hg < 4; hg++) {
                int h = hg >> 1, g = hg & 1;
                ByteVector ql0 = ByteVector.fromMemorySegment(B128, w, q + 64 * h + 16 * g, LE);
                ByteVector ql1 = ByteVector.fromMemorySegment(B128, w, q + 64 * h + 32 + 16 * g, LE);
                ByteVector qh = ByteVector.fromMemorySegment(B128, w, q + 128 + 32 * h + 16 * g, LE);
                ByteVector e0 = ql0.and((byte) 15).or(qh.lanewise(LSHL, 4).and((byte) 0x30)).sub((byte) 32);
                ByteVector e1 = ql1.and((byte) 15).or(qh.lanewise(LSHL, 2).and((byte) 0x30)).sub((byte) 32);
                ByteVector e2 = ql0.lanewise(LSHR, 4).or(qh.and((byte) 0x30)).sub((byte) 32);
                ByteVector e3 = ql1.lanewise(LSHR, 4).or(qh.lanewise(LSHR, 2).and((byte) 0x30)).sub((byte) 32);
                int sb = 8 * h + g;
                int xo = 256 * blk + 16 * sb;
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                FloatVector s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
                for (int p = 0; p < P16; p++) {
                s0 = ((FloatVector) e0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
            }
                for (int p = 0; p < P16; p++) {
                s1 = ((FloatVector) e1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 32 + p * FL), s1);
            }
                for (int p = 0; p < P16; p++) {
                s2 = ((FloatVector) e2.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 64 + p * FL), s2);
            }
                for (int p = 0; p < P16; p++) {
                s3 = ((FloatVector) e3.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 96 + p * FL), s3);
            }
                acc0 = s0.fma(FloatVector.broadcast(F, d * scale(w, q, sb)), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F, d * scale(w, q, sb + 2)), acc1);
                acc0 = s2.fma(FloatVector.broadcast(F, d * scale(w, q, sb + 4)), acc0);
                acc1 = s3.fma(FloatVector.broadcast(F, d * scale(w, q, sb + 6)), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(ADD);
    }
}
