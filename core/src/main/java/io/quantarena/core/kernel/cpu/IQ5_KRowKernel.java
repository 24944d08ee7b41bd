package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.IqkLevelTables.IQ5;
import static io.quantarena.core.kernel.cpu.IqkLevelTables.SIX_BIT_SCALES;
import static io.quantarena.core.kernel.cpu.VectorSupport.*;
import static jdk.incubator.vector.VectorOperators.BITWISE_BLEND;
import static jdk.incubator.vector.VectorOperators.ROL;

/**
 * IQ5_K (spec §9.5): fp16 d, shift bits, scales as IQ4_K, qs[128], qh[32]. 64-chunk c holds the
 * low 4 index bits of 32-block 2c in the low nibbles of qs[32c..32c+32) and of block 2c+1 in the
 * high nibbles; bit 4 of element j of block b is bit b of qh[j]. The 32 levels are looked up with a
 * two-table byte shuffle; y = d·(six-bit scale − 32)·V[index].
 */
final class IQ5_KRowKernel extends IqkRowKernel {

    IQ5_KRowKernel() {
        super(GgmlType.IQ5_K);
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            float d = fp16(w, q);
            int extra = w.get(LE_SHORT, q + 2);
            int sh = w.get(LE_INT, q + 4);
            long sl = w.get(LE_LONG, q + 8);
            for (int h = 0; h < 2; h++) {
                // bit 4 of the index: qh bit b rotated to bit 4 (32-bit lanes: no bit leaves its byte's lane)
                IntVector qh = IntVector.fromMemorySegment(I128, w, q + 144 + 16 * h, LE);
                for (int c = 0; c < 4; c++) {
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 32 * c + 16 * h, LE);
                    for (int k = 0; k < 2; k++) {
                        int b = 2 * c + k, ib = 2 * b + h;
                        int t = 32 * ((extra >>> ib) & 1);
                        ByteVector idx = (k == 0 ? v : v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes())
                                .lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - b) & 31).reinterpretAsBytes(), (byte) 16);
                        ByteVector lv = idx.selectFrom(ByteVector.fromArray(B128, IQ5, t), ByteVector.fromArray(B128, IQ5, t + 16));
                        float dl = d * (IQ4_KRowKernel.sixBitScale(sl, sh, ib) - 32);
                        for (int p = 0; p < P16; p++) {
                            ((FloatVector) lv.convertShape(B2F, F, p)).mul(dl).intoArray(dst, o + 32 * b + 16 * h + p * FL);
                        }
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc = FloatVector.zero(F);
        long q = rowOffset;
        for (int xb = 0; xb < n; xb += QK, q += blockBytes) {
            int extra = w.get(LE_SHORT, q + 2);
            int sh = w.get(LE_INT, q + 4);
            long sl = w.get(LE_LONG, q + 8);
            IntVector qh0 = IntVector.fromMemorySegment(I128, w, q + 144, LE);
            IntVector qh1 = IntVector.fromMemorySegment(I128, w, q + 160, LE);
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            // the four 64-chunks written out: constant shifts and offsets
            {
                final int c = 0;
                // one byte per sub-block 4c..4c+3: bits 0-5 the six-bit scale field, bit 6 the shift
                int fields = (int) (Long.expand(sl >>> (16 * c), 0x0F0F0F0FL) | Long.expand(sh >>> (8 * c), 0x30303030L)
                        | Long.expand(extra >>> (4 * c), 0x40404040L));
                int b0 = 2 * c, b1 = 2 * c + 1;
                for (int h = 0; h < 2; h++) {
                    IntVector qh = h == 0 ? qh0 : qh1;
                    int f0 = (fields >>> (8 * h)) & 0x7F, f1 = (fields >>> (8 * h + 16)) & 0x7F;
                    int t0 = (f0 & 0x40) >>> 1, t1 = (f1 & 0x40) >>> 1;
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 32 * c + 16 * h, LE);
                    ByteVector i0 = v.lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - b0) & 31).reinterpretAsBytes(), (byte) 16);
                    ByteVector i1 = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - b1) & 31).reinterpretAsBytes(), (byte) 16);
                    ByteVector l0 = i0.selectFrom(ByteVector.fromArray(B128, IQ5, t0), ByteVector.fromArray(B128, IQ5, t0 + 16));
                    ByteVector l1 = i1.selectFrom(ByteVector.fromArray(B128, IQ5, t1), ByteVector.fromArray(B128, IQ5, t1 + 16));
                    int xo0 = xb + 32 * b0 + 16 * h, xo1 = xo0 + 32;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo0 + p * FL), s0);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo1 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f1]), a1);
                }
            }
            {
                final int c = 1;
                // one byte per sub-block 4c..4c+3: bits 0-5 the six-bit scale field, bit 6 the shift
                int fields = (int) (Long.expand(sl >>> (16 * c), 0x0F0F0F0FL) | Long.expand(sh >>> (8 * c), 0x30303030L)
                        | Long.expand(extra >>> (4 * c), 0x40404040L));
                int b0 = 2 * c, b1 = 2 * c + 1;
                for (int h = 0; h < 2; h++) {
                    IntVector qh = h == 0 ? qh0 : qh1;
                    int f0 = (fields >>> (8 * h)) & 0x7F, f1 = (fields >>> (8 * h + 16)) & 0x7F;
                    int t0 = (f0 & 0x40) >>> 1, t1 = (f1 & 0x40) >>> 1;
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 32 * c + 16 * h, LE);
                    ByteVector i0 = v.lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - b0) & 31).reinterpretAsBytes(), (byte) 16);
                    ByteVector i1 = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - b1) & 31).reinterpretAsBytes(), (byte) 16);
                    ByteVector l0 = i0.selectFrom(ByteVector.fromArray(B128, IQ5, t0), ByteVector.fromArray(B128, IQ5, t0 + 16));
                    ByteVector l1 = i1.selectFrom(ByteVector.fromArray(B128, IQ5, t1), ByteVector.fromArray(B128, IQ5, t1 + 16));
                    int xo0 = xb + 32 * b0 + 16 * h, xo1 = xo0 + 32;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo0 + p * FL), s0);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo1 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f1]), a1);
                }
            }
            {
                final int c = 2;
                // one byte per sub-block 4c..4c+3: bits 0-5 the six-bit scale field, bit 6 the shift
                int fields = (int) (Long.expand(sl >>> (16 * c), 0x0F0F0F0FL) | Long.expand(sh >>> (8 * c), 0x30303030L)
                        | Long.expand(extra >>> (4 * c), 0x40404040L));
                int b0 = 2 * c, b1 = 2 * c + 1;
                for (int h = 0; h < 2; h++) {
                    IntVector qh = h == 0 ? qh0 : qh1;
                    int f0 = (fields >>> (8 * h)) & 0x7F, f1 = (fields >>> (8 * h + 16)) & 0x7F;
                    int t0 = (f0 & 0x40) >>> 1, t1 = (f1 & 0x40) >>> 1;
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 32 * c + 16 * h, LE);
                    ByteVector i0 = v.lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - b0) & 31).reinterpretAsBytes(), (byte) 16);
                    ByteVector i1 = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - b1) & 31).reinterpretAsBytes(), (byte) 16);
                    ByteVector l0 = i0.selectFrom(ByteVector.fromArray(B128, IQ5, t0), ByteVector.fromArray(B128, IQ5, t0 + 16));
                    ByteVector l1 = i1.selectFrom(ByteVector.fromArray(B128, IQ5, t1), ByteVector.fromArray(B128, IQ5, t1 + 16));
                    int xo0 = xb + 32 * b0 + 16 * h, xo1 = xo0 + 32;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo0 + p * FL), s0);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo1 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f1]), a1);
                }
            }
            {
                final int c = 3;
                // one byte per sub-block 4c..4c+3: bits 0-5 the six-bit scale field, bit 6 the shift
                int fields = (int) (Long.expand(sl >>> (16 * c), 0x0F0F0F0FL) | Long.expand(sh >>> (8 * c), 0x30303030L)
                        | Long.expand(extra >>> (4 * c), 0x40404040L));
                int b0 = 2 * c, b1 = 2 * c + 1;
                for (int h = 0; h < 2; h++) {
                    IntVector qh = h == 0 ? qh0 : qh1;
                    int f0 = (fields >>> (8 * h)) & 0x7F, f1 = (fields >>> (8 * h + 16)) & 0x7F;
                    int t0 = (f0 & 0x40) >>> 1, t1 = (f1 & 0x40) >>> 1;
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 32 * c + 16 * h, LE);
                    ByteVector i0 = v.lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - b0) & 31).reinterpretAsBytes(), (byte) 16);
                    ByteVector i1 = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh.lanewise(ROL, (4 - b1) & 31).reinterpretAsBytes(), (byte) 16);
                    ByteVector l0 = i0.selectFrom(ByteVector.fromArray(B128, IQ5, t0), ByteVector.fromArray(B128, IQ5, t0 + 16));
                    ByteVector l1 = i1.selectFrom(ByteVector.fromArray(B128, IQ5, t1), ByteVector.fromArray(B128, IQ5, t1 + 16));
                    int xo0 = xb + 32 * b0 + 16 * h, xo1 = xo0 + 32;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo0 + p * FL), s0);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo1 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f1]), a1);
                }
            }
            acc = a0.add(a1).fma(FloatVector.broadcast(F, fp16(w, q)), acc);
        }
        return sumLanes(acc);
    }
}
