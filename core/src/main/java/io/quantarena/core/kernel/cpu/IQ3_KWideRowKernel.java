package io.quantarena.core.kernel.cpu;

import io.quantarena.core.quant.DecodeTables;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ3_K dot product on 512-bit vectors (spec §9.3: fp16 d, extra (shift bits), scales_h (sign
 * bits), scales_l (4-bit magnitudes s, ls = ±(2s+1)), qs[64] of 2-bit planes, qh[32] of high bits).
 *
 * <p>The block's 64 qs bytes are one vector of int lanes: lanes 0..7 hold 32-blocks 0..3 as the
 * four 2-bit fields of each byte, lanes 8..15 32-blocks 4..7. For field f, the qh bit of each byte's
 * element is rotated to bit 2 and merged with the field by a bit select, giving 3-bit indexes, one
 * per byte; code vector 4f + k is byte k of that, looked up with one lane permute in the 8 levels
 * (repeated to 16). x is read in {@link ActivationLayout#IQ3_K_CODES} order. Lane quarter c of
 * field f's codes is sub-block 8·(c/2) + 2f + c%2. Shifted levels are the normal ones + 4: 4·d·ls·Σx
 * per shifted sub-block from the prepared sums. The four rows of a block are done one after the
 * other (interleaved, they would need more than the 32 vector registers).
 */
final class IQ3_KWideRowKernel extends WideRowKernel {

    private static final int BYTES = 110;
    /** iq3nl_values' normal half (8 levels) repeated to 16, as float bits: the permute reads 4 index bits. */
    private static final int[] LEVELS = WideTables.floatBits(IqkLevelTables.IQ3, 16);
    private static final float SHIFT = 4;
    /** Both 256-bit halves ← the block's 32 qh bytes (lanes 8..15 of the 64 bytes ending with them). */
    private static final VectorShuffle<Integer> QH = VectorShuffle.fromOp(I16, i -> 8 + i % 8);
    /** Rotation bringing the qh bit of field f (bit 4·(i/8) + f of each byte) to bit 2, f = 0..3. */
    private static final int[] QH_ROT = new int[64];
    /** Lane quarter c ← sub-block 8·(c/2) + 2f + c%2, f = 0..3. */
    private static final VectorShuffle<Float> FIELD_0 = subBlocks(0), FIELD_1 = subBlocks(1), FIELD_2 = subBlocks(2),
            FIELD_3 = subBlocks(3);

    static {
        WideTables.checkShifted(DecodeTables.iq3nlValues(), 8, (int) SHIFT);
        for (int f = 0; f < 4; f++) {
            for (int i = 0; i < 16; i++) {
                QH_ROT[16 * f + i] = 2 - 4 * (i / 8) - f & 31;
            }
        }
    }

    private static VectorShuffle<Float> subBlocks(int f) {
        return VectorShuffle.fromOp(F16, i -> 8 * (i / 8) + 2 * f + (i / 4) % 2);
    }

    IQ3_KWideRowKernel() {
        super(new IQ3_KRowKernel());
    }

    @Override
    public ActivationLayout layout() {
        return ActivationLayout.IQ3_K_CODES;
    }

    @Override
    public void dot4(MemorySegment w, long row0, long dist, PreparedActivation px, float[] y, int y0, int yd) {
        px.check(ActivationLayout.IQ3_K_CODES);
        float[] xp = px.values(), sums = px.sums();
        int n = px.n();
        IntVector levels = IntVector.fromArray(I16, LEVELS, 0);
        // per row r: the running shifted-level correction at 16r and the accumulator at 64 + 16r
        float[] scratch = scratch(128);
        for (long q0 = row0, xb = 0; xb < n; xb += 256, q0 += BYTES) {
            int xo = (int) xb;
            FloatVector xs = FloatVector.fromArray(F16, sums, xo / 16).mul(SHIFT);
            for (int r = 0; r < 4; r++) {
                long q = q0 + r * dist;
                long head = w.get(LE_LONG, q), sl = w.get(LE_LONG, q + 6);
                int extra = (int) (head >>> 16), signs = (int) (head >>> 32);
                // one byte per sub-block: scale magnitude s (bits 0..3), its sign (bit 4), the shift (bit 5)
                long f0 = Long.expand(sl, 0x0F0F_0F0F_0F0F_0F0FL) | Long.expand(signs, 0x1010_1010_1010_1010L)
                        | Long.expand(extra, 0x2020_2020_2020_2020L);
                long f1 = Long.expand(sl >>> 32, 0x0F0F_0F0F_0F0F_0F0FL) | Long.expand(signs >>> 8, 0x1010_1010_1010_1010L)
                        | Long.expand(extra >>> 8, 0x2020_2020_2020_2020L);
                IntVector fields = (IntVector) LongVector.zero(L128).withLane(0, f0).withLane(1, f1).reinterpretAsBytes()
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I16, 0);
                FloatVector sv = ((FloatVector) fields.and(15).lanewise(LSHL, 1).add(1).convert(I2F, 0))
                        .lanewise(VectorOperators.NEG, fields.and(16).compare(VectorOperators.NE, 0).cast(F16))
                        .mul(Float.float16ToFloat((short) head));
                VectorMask<Float> shifted = fields.and(32).compare(VectorOperators.NE, 0).cast(F16);
                FloatVector.fromArray(F16, scratch, 16 * r).add(sv.mul(xs), shifted).intoArray(scratch, 16 * r);
                IntVector v = IntVector.fromMemorySegment(I16, w, q + 14, LE);
                IntVector qh = IntVector.fromMemorySegment(I16, w, q + 46, LE).rearrange(QH);
                IntVector highBits = IntVector.broadcast(I16, ~0x03030303);
                FloatVector acc = FloatVector.fromArray(F16, scratch, 64 + 16 * r);
                {
                    // field 0: 3-bit indexes, bits 0..1 from the plane, bit 2 the element's qh bit
                    IntVector idx = v.bitwiseBlend(qh.lanewise(ROL, IntVector.fromArray(I16, QH_ROT, 0)), highBits);
                    int c = xo + 0;
                    FloatVector s = idx.selectFrom(levels).reinterpretAsFloats().mul(FloatVector.fromArray(F16, xp, c));
                    s = idx.lanewise(LSHR, 8).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, c + 16), s);
                    s = idx.lanewise(LSHR, 16).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, c + 32), s);
                    s = idx.lanewise(LSHR, 24).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, c + 48), s);
                    acc = s.fma(sv.rearrange(FIELD_0), acc);
                }
                {
                    // field 1: 3-bit indexes, bits 0..1 from the plane, bit 2 the element's qh bit
                    IntVector idx = v.lanewise(LSHR, 2).bitwiseBlend(qh.lanewise(ROL, IntVector.fromArray(I16, QH_ROT, 16)), highBits);
                    int c = xo + 64;
                    FloatVector s = idx.selectFrom(levels).reinterpretAsFloats().mul(FloatVector.fromArray(F16, xp, c));
                    s = idx.lanewise(LSHR, 8).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, c + 16), s);
                    s = idx.lanewise(LSHR, 16).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, c + 32), s);
                    s = idx.lanewise(LSHR, 24).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, c + 48), s);
                    acc = s.fma(sv.rearrange(FIELD_1), acc);
                }
                {
                    // field 2: 3-bit indexes, bits 0..1 from the plane, bit 2 the element's qh bit
                    IntVector idx = v.lanewise(LSHR, 4).bitwiseBlend(qh.lanewise(ROL, IntVector.fromArray(I16, QH_ROT, 32)), highBits);
                    int c = xo + 128;
                    FloatVector s = idx.selectFrom(levels).reinterpretAsFloats().mul(FloatVector.fromArray(F16, xp, c));
                    s = idx.lanewise(LSHR, 8).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, c + 16), s);
                    s = idx.lanewise(LSHR, 16).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, c + 32), s);
                    s = idx.lanewise(LSHR, 24).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, c + 48), s);
                    acc = s.fma(sv.rearrange(FIELD_2), acc);
                }
                {
                    // field 3: 3-bit indexes, bits 0..1 from the plane, bit 2 the element's qh bit
                    IntVector idx = v.lanewise(LSHR, 6).bitwiseBlend(qh.lanewise(ROL, IntVector.fromArray(I16, QH_ROT, 48)), highBits);
                    int c = xo + 192;
                    FloatVector s = idx.selectFrom(levels).reinterpretAsFloats().mul(FloatVector.fromArray(F16, xp, c));
                    s = idx.lanewise(LSHR, 8).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, c + 16), s);
                    s = idx.lanewise(LSHR, 16).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, c + 32), s);
                    s = idx.lanewise(LSHR, 24).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, c + 48), s);
                    acc = s.fma(sv.rearrange(FIELD_3), acc);
                }
                acc.intoArray(scratch, 64 + 16 * r);
            }
        }
        // lane sums written out: a helper taking a vector might not be inlined (and would box it)
        for (int r = 0; r < 4; r++) {
            FloatVector acc = FloatVector.fromArray(F16, scratch, 64 + 16 * r).add(FloatVector.fromArray(F16, scratch, 16 * r));
            acc = acc.add(acc.rearrange(X16_8));
            acc = acc.add(acc.rearrange(X16_4));
            acc = acc.add(acc.rearrange(X16_2));
            y[y0 + r * yd] = acc.add(acc.rearrange(X16_1)).lane(0);
        }
    }
}
