package io.quantarena.core.kernel.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShuffle;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ4_XS dot product on 512-bit vectors (fp16 d, scales_h, scales_l[4], qs[128]; sub-block b of
 * 32 uses qs[16b..16b+16): low nibble element j, high nibble 16 + j; y = d·(ls − 32)·V[q]).
 *
 * <p>64 code bytes (four sub-blocks) are one vector of int lanes; code vector g is nibble g of
 * every lane, looked up in the 16 levels with one lane permute (the index is the lane shifted
 * right by 4g; the permute reads its low four bits). Lane i belongs to sub-block i/4 in every code
 * vector, so the eight products of a load are summed unscaled and multiplied once by a vector of
 * the four sub-block scales. x is read in {@link ActivationLayout#NIBBLES_16} order. Four rows at
 * a time share the x loads.
 */
final class IQ4_XSWideRowKernel extends WideRowKernel {

    private static final int BYTES = 136;
    /** kvalues_iq4nl as float bits, for a lane permute. */
    private static final int[] LEVELS = WideTables.floatBits(IQ4_NLRowKernel.VALUES, 16);
    /** Sub-block b's scale fields: the low nibble at bit 4b of scales_l, the high pair at bit 2b of scales_h. */
    private static final int[] LOW_SHIFTS = WideTables.lanes(b -> 4 * (b & 7)), HIGH_SHIFTS = WideTables.lanes(b -> 2 * (b & 7));
    /** Lanes 4c..4c+3 ← sub-block 4·half + c. */
    private static final VectorShuffle<Float> QUARTERS_0 = VectorShuffle.fromOp(F16, i -> i / 4),
            QUARTERS_1 = VectorShuffle.fromOp(F16, i -> 4 + i / 4);

    IQ4_XSWideRowKernel() {
        super(new IQ4_XSRowKernel());
    }

    @Override
    public ActivationLayout layout() {
        return ActivationLayout.NIBBLES_16;
    }

    @Override
    public void dot4(MemorySegment w, long row0, long dist, PreparedActivation px, float[] y, int y0, int yd) {
        px.check(ActivationLayout.NIBBLES_16);
        float[] xp = px.values();
        int n = px.n();
        IntVector levels = IntVector.fromArray(I16, LEVELS, 0);
        IntVector lowShifts = IntVector.fromArray(I16, LOW_SHIFTS, 0), highShifts = IntVector.fromArray(I16, HIGH_SHIFTS, 0);
        // per row: the block's eight sub-block scales d·ls in lanes 0..7 (registers are all taken)
        float[] scales = scratch(0);
        FloatVector a0 = FloatVector.zero(F16), a1 = a0, a2 = a0, a3 = a0;
        long q0 = row0, q1 = row0 + dist, q2 = q1 + dist, q3 = q2 + dist;
        for (int xb = 0; xb < n; xb += 256, q0 += BYTES, q1 += BYTES, q2 += BYTES, q3 += BYTES) {
            // one loop body for the four rows' scales: C2 compiles a method only up to a node budget
            for (int r = 0; r < 4; r++) {
                long head = w.get(LE_LONG, q0 + r * dist);
                int sh = (int) (head >>> 16), sl = (int) (head >>> 32);
                IntVector ls = IntVector.broadcast(I16, sl).lanewise(LSHR, lowShifts).and(15)
                        .or(IntVector.broadcast(I16, sh).lanewise(LSHR, highShifts).and(3).lanewise(LSHL, 4));
                ((FloatVector) ls.sub(32).convert(I2F, 0)).mul(Float.float16ToFloat((short) head)).intoArray(scales, 16 * r);
            }
            for (int h = 0; h < 2; h++) {
                long o = 8 + 64 * h;
                IntVector v0 = IntVector.fromMemorySegment(I16, w, q0 + o, LE);
                IntVector v1 = IntVector.fromMemorySegment(I16, w, q1 + o, LE);
                IntVector v2 = IntVector.fromMemorySegment(I16, w, q2 + o, LE);
                IntVector v3 = IntVector.fromMemorySegment(I16, w, q3 + o, LE);
                int xo = xb + 128 * h;
                FloatVector x = FloatVector.fromArray(F16, xp, xo);
                FloatVector s0 = v0.selectFrom(levels).reinterpretAsFloats().mul(x);
                FloatVector s1 = v1.selectFrom(levels).reinterpretAsFloats().mul(x);
                FloatVector s2 = v2.selectFrom(levels).reinterpretAsFloats().mul(x);
                FloatVector s3 = v3.selectFrom(levels).reinterpretAsFloats().mul(x);
                for (int g = 1; g < 8; g++) {
                    x = FloatVector.fromArray(F16, xp, xo + 16 * g);
                    s0 = v0.lanewise(LSHR, 4 * g).selectFrom(levels).reinterpretAsFloats().fma(x, s0);
                    s1 = v1.lanewise(LSHR, 4 * g).selectFrom(levels).reinterpretAsFloats().fma(x, s1);
                    s2 = v2.lanewise(LSHR, 4 * g).selectFrom(levels).reinterpretAsFloats().fma(x, s2);
                    s3 = v3.lanewise(LSHR, 4 * g).selectFrom(levels).reinterpretAsFloats().fma(x, s3);
                }
                VectorShuffle<Float> quarters = h == 0 ? QUARTERS_0 : QUARTERS_1;
                a0 = s0.fma(FloatVector.fromArray(F16, scales, 0).rearrange(quarters), a0);
                a1 = s1.fma(FloatVector.fromArray(F16, scales, 16).rearrange(quarters), a1);
                a2 = s2.fma(FloatVector.fromArray(F16, scales, 32).rearrange(quarters), a2);
                a3 = s3.fma(FloatVector.fromArray(F16, scales, 48).rearrange(quarters), a3);
            }
        }
        // lane sums written out: a helper taking a vector might not be inlined (and would box it)
        for (int r = 0; r < 4; r++) {
            FloatVector acc = r == 0 ? a0 : r == 1 ? a1 : r == 2 ? a2 : a3;
            acc = acc.add(acc.rearrange(X16_8));
            acc = acc.add(acc.rearrange(X16_4));
            acc = acc.add(acc.rearrange(X16_2));
            y[y0 + r * yd] = acc.add(acc.rearrange(X16_1)).lane(0);
        }
    }
}
