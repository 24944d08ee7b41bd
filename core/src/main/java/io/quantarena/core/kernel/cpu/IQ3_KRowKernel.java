package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.IqkLevelTables.HALF;
import static io.quantarena.core.kernel.cpu.IqkLevelTables.IQ3;
import static io.quantarena.core.kernel.cpu.VectorSupport.*;
import static jdk.incubator.vector.VectorOperators.BITWISE_BLEND;
import static jdk.incubator.vector.VectorOperators.ROL;

/**
 * IQ3_K (spec §9.3): fp16 d, shift bits, sign bits and 4-bit magnitudes s of the sixteen
 * 16-sub-block scales (ls = ±(2s+1)), qs[64] (low 2 index bits: 32-block b, element j at
 * qs[32·(b/4) + j] bits 2·(b%4)), qh[32] (bit 2: qh[j] bit b); y = d·ls·V[index].
 */
final class IQ3_KRowKernel extends IqkRowKernel {

    /** Scale field (magnitude nibble | sign bit << 4, bit 5 ignored) → ls = ±(2·nibble + 1). */
    private static final float[] SCALES = new float[64];

    static {
        for (int f = 0; f < 64; f++) {
            int ls = 2 * (f & 15) + 1;
            SCALES[f] = (f & 16) != 0 ? -ls : ls;
        }
    }

    IQ3_KRowKernel() {
        super(GgmlType.IQ3_K);
    }

    private static int scaleField(long scalesL, int signs, int ib) {
        return (int) (scalesL >>> (4 * ib)) & 15 | ((signs >>> ib) & 1) << 4;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            float d = fp16(w, q);
            int extra = w.get(LE_SHORT, q + 2);
            int signs = w.get(LE_SHORT, q + 4);
            long sl = w.get(LE_LONG, q + 6);
            for (int h = 0; h < 2; h++) {
                // bit 2 of the index: qh bit b rotated to bit 2 (32-bit lanes: no bit leaves its byte's lane)
                IntVector qh = IntVector.fromMemorySegment(I128, w, q + 78 + 16 * h, LE);
                for (int c = 0; c < 2; c++) {
                    ShortVector v = ShortVector.fromMemorySegment(S128, w, q + 14 + 32 * c + 16 * h, LE);
                    for (int s = 0; s < 4; s++) {
                        int b = 4 * c + s, ib = 2 * b + h;
                        ByteVector lv = v.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                                .lanewise(BITWISE_BLEND, qh.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                                .selectFrom(ByteVector.fromArray(B128, IQ3, ((extra >>> ib) & 1) * HALF));
                        float dl = d * SCALES[scaleField(sl, signs, ib)];
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
            int signs = w.get(LE_SHORT, q + 4);
            long sl = w.get(LE_LONG, q + 6);
            IntVector qh0 = IntVector.fromMemorySegment(I128, w, q + 78, LE);
            IntVector qh1 = IntVector.fromMemorySegment(I128, w, q + 94, LE);
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            // both 32-byte chunks and their four 2-bit planes written out: constant shifts and offsets (in-cache dot ~+15% over the loop)
            {
                final int c = 0;
                // one byte per sub-block 8c..8c+7: bits 0-3 scale magnitude, bit 4 its sign, bit 5 the shift
                long fields = Long.expand(sl >>> (32 * c), 0x0F0F_0F0F_0F0F_0F0FL) | Long.expand(signs >>> (8 * c), 0x1010_1010_1010_1010L)
                        | Long.expand(extra >>> (8 * c), 0x2020_2020_2020_2020L);
                ShortVector v0 = ShortVector.fromMemorySegment(S128, w, q + 14 + 32 * c, LE);
                ShortVector v1 = ShortVector.fromMemorySegment(S128, w, q + 30 + 32 * c, LE);
                {
                    final int s = 0;
                    int b = 4 * c + s;
                    int f0 = (int) (fields >>> (16 * s)) & 0x3F, f1 = (int) (fields >>> (16 * s + 8)) & 0x3F;
                    ByteVector l0 = v0.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh0.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f0 & 0x20) >>> 1));
                    ByteVector l1 = v1.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh1.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f1 & 0x20) >>> 1));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SCALES[f1]), a1);
                }
                {
                    final int s = 1;
                    int b = 4 * c + s;
                    int f0 = (int) (fields >>> (16 * s)) & 0x3F, f1 = (int) (fields >>> (16 * s + 8)) & 0x3F;
                    ByteVector l0 = v0.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh0.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f0 & 0x20) >>> 1));
                    ByteVector l1 = v1.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh1.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f1 & 0x20) >>> 1));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SCALES[f1]), a1);
                }
                {
                    final int s = 2;
                    int b = 4 * c + s;
                    int f0 = (int) (fields >>> (16 * s)) & 0x3F, f1 = (int) (fields >>> (16 * s + 8)) & 0x3F;
                    ByteVector l0 = v0.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh0.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f0 & 0x20) >>> 1));
                    ByteVector l1 = v1.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh1.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f1 & 0x20) >>> 1));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SCALES[f1]), a1);
                }
                {
                    final int s = 3;
                    int b = 4 * c + s;
                    int f0 = (int) (fields >>> (16 * s)) & 0x3F, f1 = (int) (fields >>> (16 * s + 8)) & 0x3F;
                    ByteVector l0 = v0.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh0.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f0 & 0x20) >>> 1));
                    ByteVector l1 = v1.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh1.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f1 & 0x20) >>> 1));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SCALES[f1]), a1);
                }
            }
            {
                final int c = 1;
                // one byte per sub-block 8c..8c+7: bits 0-3 scale magnitude, bit 4 its sign, bit 5 the shift
                long fields = Long.expand(sl >>> (32 * c), 0x0F0F_0F0F_0F0F_0F0FL) | Long.expand(signs >>> (8 * c), 0x1010_1010_1010_1010L)
                        | Long.expand(extra >>> (8 * c), 0x2020_2020_2020_2020L);
                ShortVector v0 = ShortVector.fromMemorySegment(S128, w, q + 14 + 32 * c, LE);
                ShortVector v1 = ShortVector.fromMemorySegment(S128, w, q + 30 + 32 * c, LE);
                {
                    final int s = 0;
                    int b = 4 * c + s;
                    int f0 = (int) (fields >>> (16 * s)) & 0x3F, f1 = (int) (fields >>> (16 * s + 8)) & 0x3F;
                    ByteVector l0 = v0.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh0.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f0 & 0x20) >>> 1));
                    ByteVector l1 = v1.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh1.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f1 & 0x20) >>> 1));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SCALES[f1]), a1);
                }
                {
                    final int s = 1;
                    int b = 4 * c + s;
                    int f0 = (int) (fields >>> (16 * s)) & 0x3F, f1 = (int) (fields >>> (16 * s + 8)) & 0x3F;
                    ByteVector l0 = v0.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh0.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f0 & 0x20) >>> 1));
                    ByteVector l1 = v1.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh1.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f1 & 0x20) >>> 1));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SCALES[f1]), a1);
                }
                {
                    final int s = 2;
                    int b = 4 * c + s;
                    int f0 = (int) (fields >>> (16 * s)) & 0x3F, f1 = (int) (fields >>> (16 * s + 8)) & 0x3F;
                    ByteVector l0 = v0.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh0.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f0 & 0x20) >>> 1));
                    ByteVector l1 = v1.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh1.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f1 & 0x20) >>> 1));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SCALES[f1]), a1);
                }
                {
                    final int s = 3;
                    int b = 4 * c + s;
                    int f0 = (int) (fields >>> (16 * s)) & 0x3F, f1 = (int) (fields >>> (16 * s + 8)) & 0x3F;
                    ByteVector l0 = v0.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh0.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f0 & 0x20) >>> 1));
                    ByteVector l1 = v1.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                            .lanewise(BITWISE_BLEND, qh1.lanewise(ROL, (2 - b) & 31).reinterpretAsBytes(), (byte) 4)
                            .selectFrom(ByteVector.fromArray(B128, IQ3, (f1 & 0x20) >>> 1));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SCALES[f1]), a1);
                }
            }
            acc = a0.add(a1).fma(FloatVector.broadcast(F, fp16(w, q)), acc);
        }
        return sumLanes(acc);
    }
}
