package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.IqkLevelTables.FIVE_BIT_SCALES;
import static io.quantarena.core.kernel.cpu.IqkLevelTables.HALF;
import static io.quantarena.core.kernel.cpu.IqkLevelTables.IQ3;
import static io.quantarena.core.kernel.cpu.VectorSupport.*;
import static jdk.incubator.vector.VectorOperators.BITWISE_BLEND;
import static jdk.incubator.vector.VectorOperators.ROL;

/**
 * IQ3_KS: fp16 row scale, then per 256 a uint16 (bits 0-7: bit 4 of sub-block ib's scale, bits
 * 8-15: its shift bit), four scale bytes (sub-block ib's low 4 bits in nibble ib/4 of byte ib%4),
 * qs[64] (low 2 index bits: element j of sub-block ib at qs[32·(ib/4) + j] bits 2·(ib%4)) and
 * qh[32] (bit 2: qh[j] bit ib); y = d_row·(scale − 16)·V[index] (layout as the IQ3_KS codec).
 */
final class IQ3_KSRowKernel extends IqkRowKernel {

    IQ3_KSRowKernel() {
        super(GgmlType.IQ3_KS);
    }

    /** The five-bit scale field of sub-block ib (the scale is this − 16). */
    private static int scaleField(int extra, int scales, int ib) {
        return (scales >>> (8 * (ib % 4) + 4 * (ib / 4))) & 15 | ((extra >>> ib) & 1) << 4;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        float dRow = fp16(w, rowOffset);
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            int extra = w.get(LE_SHORT, q);
            int scales = w.get(LE_INT, q + 2);
            for (int h = 0; h < 2; h++) {
                IntVector qh = IntVector.fromMemorySegment(I128, w, q + 70 + 16 * h, LE);
                for (int c = 0; c < 2; c++) {
                    ShortVector v = ShortVector.fromMemorySegment(S128, w, q + 6 + 32 * c + 16 * h, LE);
                    for (int s = 0; s < 4; s++) {
                        int ib = 4 * c + s;
                        ByteVector lv = v.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                                .lanewise(BITWISE_BLEND, qh.lanewise(ROL, (2 - ib) & 31).reinterpretAsBytes(), (byte) 4)
                                .selectFrom(ByteVector.fromArray(B128, IQ3, ((extra >>> (8 + ib)) & 1) * HALF));
                        float dl = dRow * (scaleField(extra, scales, ib) - 16);
                        for (int p = 0; p < P16; p++) {
                            ((FloatVector) lv.convertShape(B2F, F, p)).mul(dl).intoArray(dst, o + 32 * ib + 16 * h + p * FL);
                        }
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long q = rowOffset + 2;
        for (int xb = 0; xb < n; xb += QK, q += blockBytes) {
            int extra = w.get(LE_SHORT, q);
            int scales = w.get(LE_INT, q + 2);
            IntVector qh0 = IntVector.fromMemorySegment(I128, w, q + 70, LE);
            IntVector qh1 = IntVector.fromMemorySegment(I128, w, q + 86, LE);
            for (int c = 0; c < 2; c++) {
                ShortVector v0 = ShortVector.fromMemorySegment(S128, w, q + 6 + 32 * c, LE);
                ShortVector v1 = ShortVector.fromMemorySegment(S128, w, q + 22 + 32 * c, LE);
                for (int s = 0; s < 4; s++) {
                    int ib = 4 * c + s;
                    ByteVector t = ByteVector.fromArray(B128, IQ3, ((extra >>> (8 + ib)) & 1) * HALF);
                    ByteVector e0 = v0.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh0.lanewise(ROL, (2 - ib) & 31).reinterpretAsBytes(), (byte) 4).selectFrom(t);
                    ByteVector e1 = v1.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh1.lanewise(ROL, (2 - ib) & 31).reinterpretAsBytes(), (byte) 4).selectFrom(t);
                    int xo = xb + 32 * ib;
                    FloatVector sum = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        sum = ((FloatVector) e0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), sum);
                        sum = ((FloatVector) e1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), sum);
                    }
                    FloatVector ls = FloatVector.broadcast(F, FIVE_BIT_SCALES[scaleField(extra, scales, ib)]);
                    if ((s & 1) == 0) {
                        acc0 = sum.fma(ls, acc0);
                    } else {
                        acc1 = sum.fma(ls, acc1);
                    }
                }
            }
        }
        return fp16(w, rowOffset) * sumLanes(acc0.add(acc1));
    }
}
