package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShuffle;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2I;

/**
 * Q4_K: fp16 d, fp16 dmin, scales[12], qs[128]. Chunk c covers elements 64c..64c+63: low nibbles
 * of qs[32c..32c+32) (sub-block 2c) then high nibbles (sub-block 2c+1); y = d·sc·q − dmin·m.
 */
final class Q4_KRowKernel implements RowKernel {

    private static final int BYTES = 144;
    /** Min of sub-block j for 16-element groups 2j and 2j+1. */
    private static final VectorShuffle<Byte> MIN_PER_GROUP = VectorShuffle.fromValues(B128,
            0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);

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

    /**
     * Nibbles are widened 16 bytes at a time to int lanes and split there (one widening serves
     * both sub-blocks of a chunk). The eight 6-bit scales and mins of a block are decoded in two
     * ints, converted as one vector and applied by lane broadcasts, and the mins are taken against
     * the x group sums as one vector per block: scalar int → float conversions cost more than the
     * nibble arithmetic itself.
     */
    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F), minAcc = FloatVector.zero(F);
        long q = rowOffset;
        for (int blk = 0, xb = 0; blk < n / 256; blk++, q += BYTES, xb += 256) {
            float d = Float.float16ToFloat(w.get(LE_SHORT, q));
            float dmin = Float.float16ToFloat(w.get(LE_SHORT, q + 2));
            int a = w.get(LE_INT, q + 4), b = w.get(LE_INT, q + 8), cc = w.get(LE_INT, q + 12);
            // bytes j of scLo/scHi = scale of sub-block j / j+4 (same for mins): low 6 bits of scales[0..7]
            // for j < 4, else the nibble of scales[8..11] with the top 2 bits of scales[j-4] (of mins: [j])
            int scLo = a & 0x3F3F3F3F, mLo = b & 0x3F3F3F3F;
            int scHi = (cc & 0x0F0F0F0F) | ((a >>> 2) & 0x30303030);
            int mHi = ((cc >>> 4) & 0x0F0F0F0F) | ((b >>> 2) & 0x30303030);
            ByteVector mins = LongVector.broadcast(L128, (mLo & 0xFFFFFFFFL) | ((long) mHi << 32)).reinterpretAsBytes()
                    .rearrange(MIN_PER_GROUP);
            for (int p = 0; p < P16; p++) {
                minAcc = ((FloatVector) mins.convertShape(B2F, F, p)).mul(dmin)
                        .fma(FloatVector.fromArray(F, xSums16, (xb >> 4) + p * FL), minAcc);
            }
            ByteVector scBytes = LongVector.broadcast(L128, (scLo & 0xFFFFFFFFL) | ((long) scHi << 32)).reinterpretAsBytes();
            FloatVector sc0 = ((FloatVector) scBytes.convertShape(B2F, F, 0)).mul(d);
            FloatVector sc1 = FL >= 8 ? sc0 : ((FloatVector) scBytes.convertShape(B2F, F, 1)).mul(d);
            for (int c = 0; c < 4; c++) {
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 16 + 32 * c, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 32 + 32 * c, LE);
                int xo = xb + 64 * c;
                FloatVector lo = FloatVector.zero(F), hi = FloatVector.zero(F);
                for (int p = 0; p < P16; p++) {
                    IntVector i0 = (IntVector) v0.convertShape(ZERO_EXTEND_B2I, I, p);
                    IntVector i1 = (IntVector) v1.convertShape(ZERO_EXTEND_B2I, I, p);
                    int xp = xo + p * FL;
                    lo = ((FloatVector) i0.and(15).convert(I2F, 0)).fma(FloatVector.fromArray(F, x, xp), lo);
                    hi = ((FloatVector) i0.lanewise(LSHR, 4).convert(I2F, 0)).fma(FloatVector.fromArray(F, x, xp + 32), hi);
                    lo = ((FloatVector) i1.and(15).convert(I2F, 0)).fma(FloatVector.fromArray(F, x, xp + 16), lo);
                    hi = ((FloatVector) i1.lanewise(LSHR, 4).convert(I2F, 0)).fma(FloatVector.fromArray(F, x, xp + 48), hi);
                }
                // sub-blocks 2c and 2c+1 (scales 4..7 are in sc1 only when a vector has 4 lanes)
                FloatVector sLo = c < 2 || FL >= 8 ? sc0 : sc1;
                acc0 = lo.fma(sLo.rearrange(c == 0 ? LANE_0 : c == 1 ? LANE_2 : c == 2 ? LANE_4 : LANE_6), acc0);
                acc1 = hi.fma(sLo.rearrange(c == 0 ? LANE_1 : c == 1 ? LANE_3 : c == 2 ? LANE_5 : LANE_7), acc1);
            }
        }
        return sumLanes(acc0.add(acc1).sub(minAcc));
    }
}
