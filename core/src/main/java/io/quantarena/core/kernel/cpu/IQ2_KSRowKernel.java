package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.IqkLevelTables.FIVE_BIT_SCALES;
import static io.quantarena.core.kernel.cpu.IqkLevelTables.HALF;
import static io.quantarena.core.kernel.cpu.IqkLevelTables.IQ2;
import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ2_KS (spec §9.2): fp16 row scale, then per 256 a uint16 (bits 0-7: shift bit of 32-sub-block
 * ib, bits 8-15: bit 4 of its scale), four scale bytes (low 4 bits, nibble ib of the LE word) and
 * qs[64] (element j of sub-block ib at qs[32·(ib/4) + j] bits 2·(ib%4)); y = d_row·(scale − 16)·V.
 */
final class IQ2_KSRowKernel extends IqkRowKernel {

    IQ2_KSRowKernel() {
        super(GgmlType.IQ2_KS);
    }

    /** The five-bit scale field of sub-block ib (the scale is this − 16). */
    private static int scaleField(int extra, int scales, int ib) {
        return (scales >>> (4 * ib)) & 15 | ((extra >>> (8 + ib)) & 1) << 4;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        float dRow = fp16(w, rowOffset);
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            int extra = w.get(LE_SHORT, q);
            int scales = w.get(LE_INT, q + 2);
            for (int c = 0; c < 2; c++) {
                for (int h = 0; h < 2; h++) {
                    ShortVector v = ShortVector.fromMemorySegment(S128, w, q + 6 + 32 * c + 16 * h, LE);
                    for (int s = 0; s < 4; s++) {
                        int ib = 4 * c + s;
                        ByteVector lv = v.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                                .selectFrom(ByteVector.fromArray(B128, IQ2, ((extra >>> ib) & 1) * HALF));
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
            for (int c = 0; c < 2; c++) {
                ShortVector v0 = ShortVector.fromMemorySegment(S128, w, q + 6 + 32 * c, LE);
                ShortVector v1 = ShortVector.fromMemorySegment(S128, w, q + 22 + 32 * c, LE);
                for (int s = 0; s < 4; s++) {
                    int ib = 4 * c + s;
                    ByteVector t = ByteVector.fromArray(B128, IQ2, ((extra >>> ib) & 1) * HALF);
                    ByteVector e0 = v0.lanewise(LSHR, 2 * s).reinterpretAsBytes().selectFrom(t);
                    ByteVector e1 = v1.lanewise(LSHR, 2 * s).reinterpretAsBytes().selectFrom(t);
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
