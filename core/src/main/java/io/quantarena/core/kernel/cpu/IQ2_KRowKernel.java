package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.IqkLevelTables.HALF;
import static io.quantarena.core.kernel.cpu.IqkLevelTables.IQ2;
import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ2_K (spec §9.1): fp16 d, shift bits, sixteen 4-bit scales (ls = nibble − 8), qs[64]: 32-block b,
 * element j at qs[32·(b/4) + j] bits 2·(b%4); y = d·ls·V[index] with 4 levels.
 */
final class IQ2_KRowKernel extends IqkRowKernel {

    /** Scale field (nibble, bit 4 ignored) → ls = nibble − 8. */
    private static final float[] SCALES = new float[32];

    static {
        for (int f = 0; f < 32; f++) {
            SCALES[f] = (f & 15) - 8;
        }
    }

    IQ2_KRowKernel() {
        super(GgmlType.IQ2_K);
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            float d = fp16(w, q);
            int extra = w.get(LE_SHORT, q + 2);
            long scales = w.get(LE_LONG, q + 4);
            for (int c = 0; c < 2; c++) {
                for (int h = 0; h < 2; h++) {
                    ShortVector v = ShortVector.fromMemorySegment(S128, w, q + 12 + 32 * c + 16 * h, LE);
                    for (int s = 0; s < 4; s++) {
                        int b = 4 * c + s, ib = 2 * b + h;
                        ByteVector lv = v.lanewise(LSHR, 2 * s).reinterpretAsBytes()
                                .selectFrom(ByteVector.fromArray(B128, IQ2, ((extra >>> ib) & 1) * HALF));
                        float dl = d * (((int) (scales >>> (4 * ib)) & 15) - 8);
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
            long scales = w.get(LE_LONG, q + 4);
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            for (int c = 0; c < 2; c++) {
                // one byte per sub-block 8c..8c+7: bits 0-3 the scale nibble, bit 4 the shift (= table offset 16)
                long fields = Long.expand(scales >>> (32 * c), 0x0F0F_0F0F_0F0F_0F0FL)
                        | Long.expand(extra >>> (8 * c), 0x1010_1010_1010_1010L);
                ShortVector v0 = ShortVector.fromMemorySegment(S128, w, q + 12 + 32 * c, LE);
                ShortVector v1 = ShortVector.fromMemorySegment(S128, w, q + 28 + 32 * c, LE);
                for (int s = 0; s < 4; s++) {
                    int b = 4 * c + s;
                    int f0 = (int) (fields >>> (16 * s)) & 0x1F, f1 = (int) (fields >>> (16 * s + 8)) & 0x1F;
                    ByteVector l0 = v0.lanewise(LSHR, 2 * s).reinterpretAsBytes().selectFrom(ByteVector.fromArray(B128, IQ2, f0 & 0x10));
                    ByteVector l1 = v1.lanewise(LSHR, 2 * s).reinterpretAsBytes().selectFrom(ByteVector.fromArray(B128, IQ2, f1 & 0x10));
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
