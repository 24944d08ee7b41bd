package io.quantarena.core.kernel.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShuffle;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * Q6_K dot product on 512-bit vectors (ql[128], qh[64], int8 scales[16], fp16 d; y = d·sc·(q − 32)
 * with q = 4 low bits from ql and 2 high bits from qh, spec §6.5).
 *
 * <p>Per 128-element half: the 64 ql bytes are one vector of int lanes; its 32 qh bytes are
 * copied to both 256-bit halves, and each ql byte's low and high nibble is merged with its qh pair
 * (bit selects on whole vectors), giving two vectors of 6-bit codes, one per byte. Code vector g is
 * byte g%4 of one of them, rotated to mantissa bits 17..22 and blended into 1.0f: the float
 * 1 + q/64, with no conversion. Lane quarter c of the low-nibble codes is sub-block c of the half,
 * of the high-nibble codes sub-block 4 + c, so each set is scaled once by a lane-quarter vector of
 * 64·d·sc. q − 32 = 64·(1 + q/64) − 96: the −96·d·sc·Σx terms are one FMA per block with the
 * prepared sums (−1.5·Σx per sub-block, {@link ActivationLayout#Q6_K_CODES}). Four rows at a time,
 * the low-nibble codes of all four first and the high-nibble ones after: with both sets live
 * at once C2 ran out of the 32 vector registers, spilled, and re-broadcast constants in the loop
 * (the written-out rotations also keep it from using a variable rotate).
 */
final class Q6_KWideRowKernel extends WideRowKernel {

    private static final int BYTES = 210;
    /** Mantissa bits 17..22 (a 6-bit code's place in 1 + q/64) and 1.0f. */
    private static final int CODE_BITS = 0x007E0000, ONE = 0x3F800000;
    /** Both 256-bit halves ← the first (QH_LOW) or second (QH_HIGH) 32 qh bytes of the block. */
    private static final VectorShuffle<Integer> QH_LOW = VectorShuffle.fromOp(I16, i -> i % 8),
            QH_HIGH = VectorShuffle.fromOp(I16, i -> 8 + i % 8);
    /**
     * The qh pair of a low nibble to bits 4..5 of its byte: bits 0..1 for ql bytes 0..31 (lanes
     * 0..7), bits 2..3 for ql bytes 32..63; of a high nibble from bits 4..5 or 6..7.
     */
    private static final int[] LOW_PAIR_SHIFT = WideTables.lanes(i -> i < 8 ? 4 : 2), HIGH_PAIR_SHIFT = WideTables.lanes(i -> i < 8 ? 0 : 2);
    /** Lane quarter c ← sub-block 8·half + 4·high + c. */
    private static final VectorShuffle<Float> LOW_0 = quarters(0), HIGH_0 = quarters(4), LOW_1 = quarters(8), HIGH_1 = quarters(12);

    /** 1.0f and the bits a code keeps, for the bitwise blend that makes 1 + q/64. */
    private static final IntVector ONES = IntVector.broadcast(I16, ONE), KEEP = IntVector.broadcast(I16, ~CODE_BITS);
    /** Bits 4..7 of every byte: where a code's qh pair goes. */
    private static final IntVector HIGH_NIBBLES = IntVector.broadcast(I16, 0xF0F0F0F0);

    private static VectorShuffle<Float> quarters(int first) {
        return VectorShuffle.fromOp(F16, i -> first + i / 4);
    }

    Q6_KWideRowKernel() {
        super(new Q6_KRowKernel());
    }

    @Override
    public ActivationLayout layout() {
        return ActivationLayout.Q6_K_CODES;
    }

    @Override
    public void dot4(MemorySegment w, long row0, long dist, PreparedActivation px, float[] y, int y0, int yd) {
        px.check(ActivationLayout.Q6_K_CODES);
        float[] xp = px.values(), sums = px.sums();
        int n = px.n();
        IntVector lowShift = IntVector.fromArray(I16, LOW_PAIR_SHIFT, 0), highShift = IntVector.fromArray(I16, HIGH_PAIR_SHIFT, 0);
        // per row r: the block's sixteen 64·d·sc at 16r (registers are all taken)
        float[] scales = scratch(0);
        FloatVector a0 = FloatVector.zero(F16), a1 = a0, a2 = a0, a3 = a0;
        long q0 = row0, q1 = q0 + dist, q2 = q1 + dist, q3 = q2 + dist;
        for (int xb = 0; xb < n; xb += 256, q0 += BYTES, q1 += BYTES, q2 += BYTES, q3 += BYTES) {
            FloatVector xs = FloatVector.fromArray(F16, sums, xb / 16);
            // one loop body for the four rows' scales: C2 compiles a method only up to a node budget
            for (int r = 0; r < 4; r++) {
                long q = q0 + r * dist;
                ((FloatVector) ByteVector.fromMemorySegment(B128, w, q + 192, LE).convertShape(B2F, F16, 0))
                        .mul(64 * Float.float16ToFloat(w.get(LE_SHORT, q + 208))).intoArray(scales, 16 * r);
            }
            FloatVector c0 = FloatVector.fromArray(F16, scales, 0), c1 = FloatVector.fromArray(F16, scales, 16);
            FloatVector c2 = FloatVector.fromArray(F16, scales, 32), c3 = FloatVector.fromArray(F16, scales, 48);
            a0 = c0.fma(xs, a0);
            a1 = c1.fma(xs, a1);
            a2 = c2.fma(xs, a2);
            a3 = c3.fma(xs, a3);
            IntVector qh0 = IntVector.fromMemorySegment(I16, w, q0 + 128, LE), qh1 = IntVector.fromMemorySegment(I16, w, q1 + 128, LE);
            IntVector qh2 = IntVector.fromMemorySegment(I16, w, q2 + 128, LE), qh3 = IntVector.fromMemorySegment(I16, w, q3 + 128, LE);
            for (int h = 0; h < 2; h++) {
                VectorShuffle<Integer> dup = h == 0 ? QH_LOW : QH_HIGH;
                int xo = xb + 128 * h;
                long o = 64L * h;
                // low-nibble codes of the four rows (sub-blocks 8h..8h+3), then the high-nibble ones:
                // one set at a time keeps the live vectors within the 32 registers. The two sets are
                // written out rather than shared through a helper: helpers taking vectors were not
                // inlined into this method and boxed every vector (0.7 GB/s instead of 11.8)
                VectorShuffle<Float> low = h == 0 ? LOW_0 : LOW_1, high = h == 0 ? HIGH_0 : HIGH_1;
                FloatVector x;
                {
                    IntVector lo0 = IntVector.fromMemorySegment(I16, w, q0 + o, LE).bitwiseBlend(qh0.rearrange(dup).lanewise(LSHL, lowShift), HIGH_NIBBLES);
                    IntVector lo1 = IntVector.fromMemorySegment(I16, w, q1 + o, LE).bitwiseBlend(qh1.rearrange(dup).lanewise(LSHL, lowShift), HIGH_NIBBLES);
                    IntVector lo2 = IntVector.fromMemorySegment(I16, w, q2 + o, LE).bitwiseBlend(qh2.rearrange(dup).lanewise(LSHL, lowShift), HIGH_NIBBLES);
                    IntVector lo3 = IntVector.fromMemorySegment(I16, w, q3 + o, LE).bitwiseBlend(qh3.rearrange(dup).lanewise(LSHL, lowShift), HIGH_NIBBLES);
                    x = FloatVector.fromArray(F16, xp, xo + 0);
                    FloatVector s0 = lo0.lanewise(ROL, 17).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x);
                    FloatVector s1 = lo1.lanewise(ROL, 17).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x);
                    FloatVector s2 = lo2.lanewise(ROL, 17).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x);
                    FloatVector s3 = lo3.lanewise(ROL, 17).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x);
                    x = FloatVector.fromArray(F16, xp, xo + 16);
                    s0 = lo0.lanewise(ROL, 9).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, s0);
                    s1 = lo1.lanewise(ROL, 9).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, s1);
                    s2 = lo2.lanewise(ROL, 9).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, s2);
                    s3 = lo3.lanewise(ROL, 9).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, s3);
                    x = FloatVector.fromArray(F16, xp, xo + 32);
                    s0 = lo0.lanewise(ROL, 1).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, s0);
                    s1 = lo1.lanewise(ROL, 1).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, s1);
                    s2 = lo2.lanewise(ROL, 1).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, s2);
                    s3 = lo3.lanewise(ROL, 1).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, s3);
                    x = FloatVector.fromArray(F16, xp, xo + 48);
                    s0 = lo0.lanewise(ROL, 25).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, s0);
                    s1 = lo1.lanewise(ROL, 25).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, s1);
                    s2 = lo2.lanewise(ROL, 25).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, s2);
                    s3 = lo3.lanewise(ROL, 25).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, s3);
                    a0 = s0.fma(FloatVector.fromArray(F16, scales, 0).rearrange(low), a0);
                    a1 = s1.fma(FloatVector.fromArray(F16, scales, 16).rearrange(low), a1);
                    a2 = s2.fma(FloatVector.fromArray(F16, scales, 32).rearrange(low), a2);
                    a3 = s3.fma(FloatVector.fromArray(F16, scales, 48).rearrange(low), a3);
                }
                {
                    IntVector hi0 = IntVector.fromMemorySegment(I16, w, q0 + o, LE).lanewise(LSHR, 4).bitwiseBlend(qh0.rearrange(dup).lanewise(LSHR, highShift), HIGH_NIBBLES);
                    IntVector hi1 = IntVector.fromMemorySegment(I16, w, q1 + o, LE).lanewise(LSHR, 4).bitwiseBlend(qh1.rearrange(dup).lanewise(LSHR, highShift), HIGH_NIBBLES);
                    IntVector hi2 = IntVector.fromMemorySegment(I16, w, q2 + o, LE).lanewise(LSHR, 4).bitwiseBlend(qh2.rearrange(dup).lanewise(LSHR, highShift), HIGH_NIBBLES);
                    IntVector hi3 = IntVector.fromMemorySegment(I16, w, q3 + o, LE).lanewise(LSHR, 4).bitwiseBlend(qh3.rearrange(dup).lanewise(LSHR, highShift), HIGH_NIBBLES);
                    x = FloatVector.fromArray(F16, xp, xo + 64);
                    FloatVector t0 = hi0.lanewise(ROL, 17).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x);
                    FloatVector t1 = hi1.lanewise(ROL, 17).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x);
                    FloatVector t2 = hi2.lanewise(ROL, 17).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x);
                    FloatVector t3 = hi3.lanewise(ROL, 17).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x);
                    x = FloatVector.fromArray(F16, xp, xo + 80);
                    t0 = hi0.lanewise(ROL, 9).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, t0);
                    t1 = hi1.lanewise(ROL, 9).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, t1);
                    t2 = hi2.lanewise(ROL, 9).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, t2);
                    t3 = hi3.lanewise(ROL, 9).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, t3);
                    x = FloatVector.fromArray(F16, xp, xo + 96);
                    t0 = hi0.lanewise(ROL, 1).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, t0);
                    t1 = hi1.lanewise(ROL, 1).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, t1);
                    t2 = hi2.lanewise(ROL, 1).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, t2);
                    t3 = hi3.lanewise(ROL, 1).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, t3);
                    x = FloatVector.fromArray(F16, xp, xo + 112);
                    t0 = hi0.lanewise(ROL, 25).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, t0);
                    t1 = hi1.lanewise(ROL, 25).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, t1);
                    t2 = hi2.lanewise(ROL, 25).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, t2);
                    t3 = hi3.lanewise(ROL, 25).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x, t3);
                    a0 = t0.fma(FloatVector.fromArray(F16, scales, 0).rearrange(high), a0);
                    a1 = t1.fma(FloatVector.fromArray(F16, scales, 16).rearrange(high), a1);
                    a2 = t2.fma(FloatVector.fromArray(F16, scales, 32).rearrange(high), a2);
                    a3 = t3.fma(FloatVector.fromArray(F16, scales, 48).rearrange(high), a3);
                }
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
