package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.IqkLevelTables.HALF;
import static io.quantarena.core.kernel.cpu.IqkLevelTables.IQ4;
import static io.quantarena.core.kernel.cpu.IqkLevelTables.SIX_BIT_SCALES;
import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ4_K (spec §9.4): fp16 d, shift bits of the sixteen 16-sub-blocks, scales_h (2 bits each),
 * scales_l (nibbles), qs[128]: 32-block b holds sub-block 2b in the low nibbles of qs[16b..16b+16)
 * and sub-block 2b+1 in the high nibbles; y = d·(six-bit scale − 32)·V[nibble].
 */
final class IQ4_KRowKernel extends IqkRowKernel {

    IQ4_KRowKernel() {
        super(GgmlType.IQ4_K);
    }

    /** The six-bit scale field (0…63) of sub-block ib: low 4 bits from scales_l, high 2 from scales_h. */
    static int sixBitScale(long scalesL, int scalesH, int ib) {
        return (int) (scalesL >>> (4 * ib)) & 15 | ((scalesH >>> (2 * ib)) & 3) << 4;
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            float d = fp16(w, q);
            int extra = w.get(LE_SHORT, q + 2);
            int sh = w.get(LE_INT, q + 4);
            long sl = w.get(LE_LONG, q + 8);
            for (int b = 0; b < 8; b++) {
                float dl0 = d * (sixBitScale(sl, sh, 2 * b) - 32), dl1 = d * (sixBitScale(sl, sh, 2 * b + 1) - 32);
                ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 16 * b, LE);
                ByteVector lo = v.selectFrom(ByteVector.fromArray(B128, IQ4, ((extra >>> (2 * b)) & 1) * HALF));
                ByteVector hi = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                        .selectFrom(ByteVector.fromArray(B128, IQ4, ((extra >>> (2 * b + 1)) & 1) * HALF));
                for (int p = 0; p < P16; p++) {
                    ((FloatVector) lo.convertShape(B2F, F, p)).mul(dl0).intoArray(dst, o + 32 * b + p * FL);
                    ((FloatVector) hi.convertShape(B2F, F, p)).mul(dl1).intoArray(dst, o + 32 * b + 16 + p * FL);
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
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            // both halves and their 32-blocks written out: constant shifts and offsets (in-cache dot ~+15% over the loop)
            {
                final int half = 0;
                // one byte per sub-block (8 per half): bits 0-5 the six-bit scale field, bit 6 the shift
                long fields = Long.expand(sl >>> (32 * half), 0x0F0F_0F0F_0F0F_0F0FL)
                        | Long.expand(sh >>> (16 * half), 0x3030_3030_3030_3030L)
                        | Long.expand(extra >>> (8 * half), 0x4040_4040_4040_4040L);
                {
                    final int k = 0;
                    int b = 4 * half + k;
                    int f0 = (int) (fields >>> (16 * k)) & 0x7F, f1 = (int) (fields >>> (16 * k + 8)) & 0x7F;
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 16 * b, LE);
                    ByteVector lo = v.selectFrom(ByteVector.fromArray(B128, IQ4, (f0 & 0x40) >>> 2));
                    ByteVector hi = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .selectFrom(ByteVector.fromArray(B128, IQ4, (f1 & 0x40) >>> 2));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f1]), a1);
                }
                {
                    final int k = 1;
                    int b = 4 * half + k;
                    int f0 = (int) (fields >>> (16 * k)) & 0x7F, f1 = (int) (fields >>> (16 * k + 8)) & 0x7F;
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 16 * b, LE);
                    ByteVector lo = v.selectFrom(ByteVector.fromArray(B128, IQ4, (f0 & 0x40) >>> 2));
                    ByteVector hi = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .selectFrom(ByteVector.fromArray(B128, IQ4, (f1 & 0x40) >>> 2));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f1]), a1);
                }
                {
                    final int k = 2;
                    int b = 4 * half + k;
                    int f0 = (int) (fields >>> (16 * k)) & 0x7F, f1 = (int) (fields >>> (16 * k + 8)) & 0x7F;
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 16 * b, LE);
                    ByteVector lo = v.selectFrom(ByteVector.fromArray(B128, IQ4, (f0 & 0x40) >>> 2));
                    ByteVector hi = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .selectFrom(ByteVector.fromArray(B128, IQ4, (f1 & 0x40) >>> 2));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f1]), a1);
                }
                {
                    final int k = 3;
                    int b = 4 * half + k;
                    int f0 = (int) (fields >>> (16 * k)) & 0x7F, f1 = (int) (fields >>> (16 * k + 8)) & 0x7F;
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 16 * b, LE);
                    ByteVector lo = v.selectFrom(ByteVector.fromArray(B128, IQ4, (f0 & 0x40) >>> 2));
                    ByteVector hi = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .selectFrom(ByteVector.fromArray(B128, IQ4, (f1 & 0x40) >>> 2));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f1]), a1);
                }
            }
            {
                final int half = 1;
                // one byte per sub-block (8 per half): bits 0-5 the six-bit scale field, bit 6 the shift
                long fields = Long.expand(sl >>> (32 * half), 0x0F0F_0F0F_0F0F_0F0FL)
                        | Long.expand(sh >>> (16 * half), 0x3030_3030_3030_3030L)
                        | Long.expand(extra >>> (8 * half), 0x4040_4040_4040_4040L);
                {
                    final int k = 0;
                    int b = 4 * half + k;
                    int f0 = (int) (fields >>> (16 * k)) & 0x7F, f1 = (int) (fields >>> (16 * k + 8)) & 0x7F;
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 16 * b, LE);
                    ByteVector lo = v.selectFrom(ByteVector.fromArray(B128, IQ4, (f0 & 0x40) >>> 2));
                    ByteVector hi = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .selectFrom(ByteVector.fromArray(B128, IQ4, (f1 & 0x40) >>> 2));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f1]), a1);
                }
                {
                    final int k = 1;
                    int b = 4 * half + k;
                    int f0 = (int) (fields >>> (16 * k)) & 0x7F, f1 = (int) (fields >>> (16 * k + 8)) & 0x7F;
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 16 * b, LE);
                    ByteVector lo = v.selectFrom(ByteVector.fromArray(B128, IQ4, (f0 & 0x40) >>> 2));
                    ByteVector hi = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .selectFrom(ByteVector.fromArray(B128, IQ4, (f1 & 0x40) >>> 2));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f1]), a1);
                }
                {
                    final int k = 2;
                    int b = 4 * half + k;
                    int f0 = (int) (fields >>> (16 * k)) & 0x7F, f1 = (int) (fields >>> (16 * k + 8)) & 0x7F;
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 16 * b, LE);
                    ByteVector lo = v.selectFrom(ByteVector.fromArray(B128, IQ4, (f0 & 0x40) >>> 2));
                    ByteVector hi = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .selectFrom(ByteVector.fromArray(B128, IQ4, (f1 & 0x40) >>> 2));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                    }
                    a0 = s0.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f0]), a0);
                    a1 = s1.fma(FloatVector.broadcast(F, SIX_BIT_SCALES[f1]), a1);
                }
                {
                    final int k = 3;
                    int b = 4 * half + k;
                    int f0 = (int) (fields >>> (16 * k)) & 0x7F, f1 = (int) (fields >>> (16 * k + 8)) & 0x7F;
                    ByteVector v = ByteVector.fromMemorySegment(B128, w, q + 16 + 16 * b, LE);
                    ByteVector lo = v.selectFrom(ByteVector.fromArray(B128, IQ4, (f0 & 0x40) >>> 2));
                    ByteVector hi = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes()
                            .selectFrom(ByteVector.fromArray(B128, IQ4, (f1 & 0x40) >>> 2));
                    int xo = xb + 32 * b;
                    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                    for (int p = 0; p < P16; p++) {
                        s0 = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                        s1 = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
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
