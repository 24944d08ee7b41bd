package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.IqkLevelTables.IQ5;
import static io.quantarena.core.kernel.cpu.IqkLevelTables.ODD_SCALES;
import static io.quantarena.core.kernel.cpu.VectorSupport.*;
import static jdk.incubator.vector.VectorOperators.BITWISE_BLEND;
import static jdk.incubator.vector.VectorOperators.ROL;

/**
 * IQ5_KS (spec §9.8): float32 row scale, then per 256 eight scale bytes (as IQ4_KS), qs[128] and
 * qh[32]. Sub-block ib's element j has its low 4 bits in nibble ib%2 of qs[32·(ib/2) + j] and bit 4
 * in bit ib of qh[j]; y = d_row·((b &amp; 254) − 127)·V[index] with the 32-level table.
 */
final class IQ5_KSRowKernel extends IqkRowKernel {

    IQ5_KSRowKernel() {
        super(GgmlType.IQ5_KS);
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        float dRow = w.get(LE_FLOAT, rowOffset);
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            for (int h = 0; h < 2; h++) {
                IntVector qh = IntVector.fromMemorySegment(I128, w, q + 136 + 16 * h, LE);
                for (int c = 0; c < 4; c++) {
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 8 + 32 * c + 16 * h, LE);
                    for (int k = 0; k < 2; k++) {
                        int ib = 2 * c + k;
                        int sc = u8(w, q + ib);
                        int t = 32 * (sc & 1);
                        ByteVector idx = (k == 0 ? v : v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes())
                                .lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - ib) & 31).reinterpretAsBytes(), (byte) 16);
                        ByteVector lv = idx.selectFrom(ByteVector.fromArray(B128, IQ5, t), ByteVector.fromArray(B128, IQ5, t + 16));
                        float dl = dRow * ((sc & 254) - 127);
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
        long q = rowOffset + 4;
        for (int xb = 0; xb < n; xb += QK, q += blockBytes) {
            long scales = w.get(LE_LONG, q);
            IntVector qh0 = IntVector.fromMemorySegment(I128, w, q + 136, LE);
            IntVector qh1 = IntVector.fromMemorySegment(I128, w, q + 152, LE);
            for (int c = 0; c < 4; c++) {
                int ib0 = 2 * c, ib1 = 2 * c + 1;
                int sc0 = (int) (scales >>> (8 * ib0)) & 0xFF, sc1 = (int) (scales >>> (8 * ib1)) & 0xFF;
                int t0 = 32 * (sc0 & 1), t1 = 32 * (sc1 & 1);
                ByteVector lo0 = ByteVector.fromArray(B128, IQ5, t0), hi0 = ByteVector.fromArray(B128, IQ5, t0 + 16);
                ByteVector lo1 = ByteVector.fromArray(B128, IQ5, t1), hi1 = ByteVector.fromArray(B128, IQ5, t1 + 16);
                ByteVector v0 = ByteVector.fromMemorySegment(B128, w, q + 8 + 32 * c, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B128, w, q + 24 + 32 * c, LE);
                // sub-block ib0: low nibbles, elements 0-15 (v0) and 16-31 (v1); ib1: high nibbles
                ByteVector e00 = v0.lanewise(BITWISE_BLEND, qh0.lanewise(ROL, (4 - ib0) & 31).reinterpretAsBytes(), (byte) 16).selectFrom(lo0, hi0);
                ByteVector e01 = v1.lanewise(BITWISE_BLEND, qh1.lanewise(ROL, (4 - ib0) & 31).reinterpretAsBytes(), (byte) 16).selectFrom(lo0, hi0);
                ByteVector e10 = v0.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                        .lanewise(BITWISE_BLEND, qh0.lanewise(ROL, (4 - ib1) & 31).reinterpretAsBytes(), (byte) 16).selectFrom(lo1, hi1);
                ByteVector e11 = v1.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                        .lanewise(BITWISE_BLEND, qh1.lanewise(ROL, (4 - ib1) & 31).reinterpretAsBytes(), (byte) 16).selectFrom(lo1, hi1);
                int xo = xb + 64 * c;
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                for (int p = 0; p < P16; p++) {
                    s0 = ((FloatVector) e00.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                    s0 = ((FloatVector) e01.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s0);
                    s1 = ((FloatVector) e10.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 32 + p * FL), s1);
                    s1 = ((FloatVector) e11.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 48 + p * FL), s1);
                }
                acc0 = s0.fma(FloatVector.broadcast(F, ODD_SCALES[sc0]), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F, ODD_SCALES[sc1]), acc1);
            }
        }
        return w.get(LE_FLOAT, rowOffset) * sumLanes(acc0.add(acc1));
    }
}
