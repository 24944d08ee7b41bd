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
 * prepared sums (−1.5·Σx per sub-block, {@link ActivationLayout#Q6_K_CODES}). Four rows at a time.
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
                IntVector ones = IntVector.broadcast(I16, ONE), keep = IntVector.broadcast(I16, ~CODE_BITS);
                IntVector lowNibbles = IntVector.broadcast(I16, 0x0F0F0F0F);
                // row r: lo = ql low nibbles | qh pair << 4, hi = ql high nibbles | qh pair << 4, per byte
                IntVector l0 = IntVector.fromMemorySegment(I16, w, q0 + 64 * h, LE), d0 = qh0.rearrange(dup);
                IntVector hi0 = l0.lanewise(LSHR, 4).bitwiseBlend(d0.lanewise(LSHR, highShift), lowNibbles.not());
                IntVector lo0 = l0.bitwiseBlend(d0.lanewise(LSHL, lowShift), lowNibbles.not());
                IntVector l1 = IntVector.fromMemorySegment(I16, w, q1 + 64 * h, LE), d1 = qh1.rearrange(dup);
                IntVector hi1 = l1.lanewise(LSHR, 4).bitwiseBlend(d1.lanewise(LSHR, highShift), lowNibbles.not());
                IntVector lo1 = l1.bitwiseBlend(d1.lanewise(LSHL, lowShift), lowNibbles.not());
                IntVector l2 = IntVector.fromMemorySegment(I16, w, q2 + 64 * h, LE), d2 = qh2.rearrange(dup);
                IntVector hi2 = l2.lanewise(LSHR, 4).bitwiseBlend(d2.lanewise(LSHR, highShift), lowNibbles.not());
                IntVector lo2 = l2.bitwiseBlend(d2.lanewise(LSHL, lowShift), lowNibbles.not());
                IntVector l3 = IntVector.fromMemorySegment(I16, w, q3 + 64 * h, LE), d3 = qh3.rearrange(dup);
                IntVector hi3 = l3.lanewise(LSHR, 4).bitwiseBlend(d3.lanewise(LSHR, highShift), lowNibbles.not());
                IntVector lo3 = l3.bitwiseBlend(d3.lanewise(LSHL, lowShift), lowNibbles.not());
                int xo = xb + 128 * h;
                FloatVector x0 = FloatVector.fromArray(F16, xp, xo), x1 = FloatVector.fromArray(F16, xp, xo + 64);
                FloatVector s0 = lo0.lanewise(ROL, 17).bitwiseBlend(ones, keep).reinterpretAsFloats().mul(x0);
                FloatVector t0 = hi0.lanewise(ROL, 17).bitwiseBlend(ones, keep).reinterpretAsFloats().mul(x1);
                FloatVector s1 = lo1.lanewise(ROL, 17).bitwiseBlend(ones, keep).reinterpretAsFloats().mul(x0);
                FloatVector t1 = hi1.lanewise(ROL, 17).bitwiseBlend(ones, keep).reinterpretAsFloats().mul(x1);
                FloatVector s2 = lo2.lanewise(ROL, 17).bitwiseBlend(ones, keep).reinterpretAsFloats().mul(x0);
                FloatVector t2 = hi2.lanewise(ROL, 17).bitwiseBlend(ones, keep).reinterpretAsFloats().mul(x1);
                FloatVector s3 = lo3.lanewise(ROL, 17).bitwiseBlend(ones, keep).reinterpretAsFloats().mul(x0);
                FloatVector t3 = hi3.lanewise(ROL, 17).bitwiseBlend(ones, keep).reinterpretAsFloats().mul(x1);
                for (int k = 1; k < 4; k++) {
                    x0 = FloatVector.fromArray(F16, xp, xo + 16 * k);
                    x1 = FloatVector.fromArray(F16, xp, xo + 64 + 16 * k);
                    int rot = 17 - 8 * k & 31;
                    s0 = lo0.lanewise(ROL, rot).bitwiseBlend(ones, keep).reinterpretAsFloats().fma(x0, s0);
                    t0 = hi0.lanewise(ROL, rot).bitwiseBlend(ones, keep).reinterpretAsFloats().fma(x1, t0);
                    s1 = lo1.lanewise(ROL, rot).bitwiseBlend(ones, keep).reinterpretAsFloats().fma(x0, s1);
                    t1 = hi1.lanewise(ROL, rot).bitwiseBlend(ones, keep).reinterpretAsFloats().fma(x1, t1);
                    s2 = lo2.lanewise(ROL, rot).bitwiseBlend(ones, keep).reinterpretAsFloats().fma(x0, s2);
                    t2 = hi2.lanewise(ROL, rot).bitwiseBlend(ones, keep).reinterpretAsFloats().fma(x1, t2);
                    s3 = lo3.lanewise(ROL, rot).bitwiseBlend(ones, keep).reinterpretAsFloats().fma(x0, s3);
                    t3 = hi3.lanewise(ROL, rot).bitwiseBlend(ones, keep).reinterpretAsFloats().fma(x1, t3);
                }
                VectorShuffle<Float> low = h == 0 ? LOW_0 : LOW_1, high = h == 0 ? HIGH_0 : HIGH_1;
                a0 = t0.fma(c0.rearrange(high), s0.fma(c0.rearrange(low), a0));
                a1 = t1.fma(c1.rearrange(high), s1.fma(c1.rearrange(low), a1));
                a2 = t2.fma(c2.rearrange(high), s2.fma(c2.rearrange(low), a2));
                a3 = t3.fma(c3.rearrange(high), s3.fma(c3.rearrange(low), a3));
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
