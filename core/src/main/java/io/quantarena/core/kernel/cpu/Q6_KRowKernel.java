package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

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

    /** Quant k (0..3) of a 16-lane group from its ql byte group and qh byte group. */
    private static ByteVector quants(ByteVector ql, ByteVector qh, int k) {
        ByteVector low = k < 2 ? ql.and((byte) 15) : ql.lanewise(VectorOperators.LSHR, 4);
        ByteVector high = switch (k) {
            case 0 -> qh.lanewise(VectorOperators.LSHL, 4);
            case 1 -> qh.lanewise(VectorOperators.LSHL, 2);
            case 2 -> qh;
            default -> qh.lanewise(VectorOperators.LSHR, 2);
        };
        return low.or(high.and((byte) 0x30)).sub((byte) 32);
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q6_K", col, n, 256);
        long p = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, p += BYTES) {
            float d = fp16(w, p + 208);
            for (int h = 0; h < 2; h++) {
                for (int g = 0; g < 2; g++) {
                    ByteVector ql0 = load16(w, p + 64 * h + 16 * g);
                    ByteVector ql1 = load16(w, p + 64 * h + 32 + 16 * g);
                    ByteVector qh = load16(w, p + 128 + 32 * h + 16 * g);
                    for (int k = 0; k < 4; k++) {
                        int sb = 8 * h + 2 * k + g;
                        float s = d * w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, p + 192 + sb);
                        store16(quants((k & 1) == 0 ? ql0 : ql1, qh, k), s, dst, dstOffset + 256 * blk + 16 * sb);
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long p = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, p += BYTES) {
            float d = fp16(w, p + 208);
            int xb = 256 * blk;
            for (int h = 0; h < 2; h++) {
                for (int g = 0; g < 2; g++) {
                    ByteVector ql0 = load16(w, p + 64 * h + 16 * g);
                    ByteVector ql1 = load16(w, p + 64 * h + 32 + 16 * g);
                    ByteVector qh = load16(w, p + 128 + 32 * h + 16 * g);
                    int sb = 8 * h + g;
                    FloatVector s0 = dot16(quants(ql0, qh, 0), x, xb + 16 * sb, FloatVector.zero(F));
                    FloatVector s1 = dot16(quants(ql1, qh, 1), x, xb + 16 * sb + 32, FloatVector.zero(F));
                    FloatVector s2 = dot16(quants(ql0, qh, 2), x, xb + 16 * sb + 64, FloatVector.zero(F));
                    FloatVector s3 = dot16(quants(ql1, qh, 3), x, xb + 16 * sb + 96, FloatVector.zero(F));
                    acc0 = s0.fma(FloatVector.broadcast(F, d * scale(w, p, sb)), acc0);
                    acc1 = s1.fma(FloatVector.broadcast(F, d * scale(w, p, sb + 2)), acc1);
                    acc0 = s2.fma(FloatVector.broadcast(F, d * scale(w, p, sb + 4)), acc0);
                    acc1 = s3.fma(FloatVector.broadcast(F, d * scale(w, p, sb + 6)), acc1);
                }
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    private static int scale(MemorySegment w, long p, int sb) {
        return w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, p + 192 + sb);
    }
}
