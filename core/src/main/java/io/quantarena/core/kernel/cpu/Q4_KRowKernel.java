package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

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

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        checkBlocks("q4_K", col, n, 256);
        int[] sc = new int[8];
        int[] m = new int[8];
        long p = rowOffset + (long) (col / 256) * BYTES;
        for (int blk = 0; blk < n / 256; blk++, p += BYTES) {
            float d = fp16(w, p);
            float dmin = fp16(w, p + 2);
            KQuantScales.decode(w, p + 4, sc, m);
            int o = dstOffset + 256 * blk;
            for (int c = 0; c < 4; c++) {
                for (int g = 0; g < 2; g++) {
                    ByteVector q = load16(w, p + 16 + 32 * c + 16 * g);
                    store16(q.and((byte) 15), d * sc[2 * c], -dmin * m[2 * c], dst, o + 64 * c + 16 * g);
                    store16(q.lanewise(VectorOperators.LSHR, 4), d * sc[2 * c + 1], -dmin * m[2 * c + 1], dst,
                            o + 64 * c + 32 + 16 * g);
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        float minTerm = 0;
        long p = rowOffset;
        for (int blk = 0; blk < n / 256; blk++, p += BYTES) {
            float d = fp16(w, p);
            float dmin = fp16(w, p + 2);
            int a = w.get(LE_INT, p + 4);
            int b = w.get(LE_INT, p + 8);
            int cc = w.get(LE_INT, p + 12);
            int xb = 256 * blk;
            int gs = 16 * blk;
            float mins = 0;
            for (int c = 0; c < 4; c++) {
                // scale/min pair for sub-blocks 2c (low nibbles) and 2c+1 (high nibbles), spec §6.3
                int j0 = 2 * c, j1 = 2 * c + 1;
                int sc0 = scale(a, cc, j0), sc1 = scale(a, cc, j1);
                int m0 = scale(b, cc >>> 4, j0), m1 = scale(b, cc >>> 4, j1);
                ByteVector q0 = load16(w, p + 16 + 32 * c);
                ByteVector q1 = load16(w, p + 32 + 32 * c);
                FloatVector lo = dot16(q1.and((byte) 15), x, xb + 64 * c + 16,
                        dot16(q0.and((byte) 15), x, xb + 64 * c, FloatVector.zero(F)));
                FloatVector hi = dot16(q1.lanewise(VectorOperators.LSHR, 4), x, xb + 64 * c + 48,
                        dot16(q0.lanewise(VectorOperators.LSHR, 4), x, xb + 64 * c + 32, FloatVector.zero(F)));
                acc0 = lo.fma(FloatVector.broadcast(F, d * sc0), acc0);
                acc1 = hi.fma(FloatVector.broadcast(F, d * sc1), acc1);
                mins += m0 * (xSums16[gs + 4 * c] + xSums16[gs + 4 * c + 1])
                        + m1 * (xSums16[gs + 4 * c + 2] + xSums16[gs + 4 * c + 3]);
            }
            minTerm += dmin * mins;
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) - minTerm;
    }

    /**
     * Scale j (0..7) of the packed field: {@code lowBytes} = bytes 0-3 (scales) or 4-7 (mins),
     * {@code nib} = bytes 8-11 shifted so the wanted nibble of byte j-4 is in its low 4 bits.
     */
    static int scale(int lowBytes, int nib, int j) {
        if (j < 4) {
            return (lowBytes >>> (8 * j)) & 63;
        }
        return ((nib >>> (8 * (j - 4))) & 15) | (((lowBytes >>> (8 * (j - 4) + 6)) & 3) << 4);
    }
}
