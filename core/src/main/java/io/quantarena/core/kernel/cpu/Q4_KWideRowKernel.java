package io.quantarena.core.kernel.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;
import static jdk.incubator.vector.VectorOperators.XOR;

/**
 * Q4_K: fp16 d, fp16 dmin, scales[12], qs[128]. Chunk c covers elements 64c..64c+63: low nibbles
 * of qs[32c..32c+32) (sub-block 2c) then high nibbles (sub-block 2c+1); y = d·sc·q − dmin·m.
 *
 * <p>Dot product: 64 code bytes are one 512-bit vector of int lanes; code vector g = 2k + h is
 * nibble h of byte k of every lane, rotated to mantissa bits 19..22 and or-ed into 1.0f, which
 * makes the float 1 + q/16 with no conversion instruction (rotate, one ternary-logic op, FMA per
 * 16 weights). x is read in {@link ActivationLayout#NIBBLES_32} order. Lanes 0..7 of a code
 * vector belong to one sub-block and lanes 8..15 to the one two further on, so each parity's sum
 * is scaled by a vector holding those two sub-block scales (times 16). The 1 in 1 + q/16 and the
 * minimum are taken back once per block with the prepared sub-block sums:
 * Σ y·x = Σ_s 16·d·sc_s·Σ (1 + q/16)·x − (16·d·sc_s + dmin·m_s)·Σ_s x.
 * Each block head (fp16 d and dmin, twelve bytes of six-bit scales and mins) is unpacked with
 * vector operations only: done with scalar shifts, lane inserts and fp16 conversions it had taken
 * over a third of the time.
 */
final class Q4_KWideRowKernel extends WideRowKernel {

    private static final int BYTES = 144;
    /** Mantissa bits 19..22 (a nibble's place in 1 + q/16) and 1.0f. */
    private static final int NIBBLE_BITS = 0x00780000, ONE = 0x3F800000;
    /** Per-lane scales of the two sub-blocks in a code vector: lanes 0..7 sub-block a, lanes 8..15 sub-block b. */
    private static final VectorShuffle<Float> SUB_0_2 = halves(0, 2), SUB_1_3 = halves(1, 3), SUB_4_6 = halves(4, 6),
            SUB_5_7 = halves(5, 7);

    /** Lanes 0..7 take d (bits 0..15 of the head), lanes 8..15 dmin (bits 16..31), to bits 16..31. */
    private static final IntVector D_DMIN_TO_TOP = IntVector.fromArray(I16, WideTables.lanes(i -> i < 8 ? 16 : 0), 0);
    /** 2^112 undoes the exponent bias difference of fp16 and fp32; the 16 of 16·d comes with it. */
    private static final FloatVector D_DMIN_SCALE = FloatVector.fromArray(F16,
            new float[]{0x1p116f, 0x1p116f, 0x1p116f, 0x1p116f, 0x1p116f, 0x1p116f, 0x1p116f, 0x1p116f,
                    0x1p112f, 0x1p112f, 0x1p112f, 0x1p112f, 0x1p112f, 0x1p112f, 0x1p112f, 0x1p112f}, 0);

    /** The 16-byte block head (d, dmin, scales[12]) as four int lanes, and the lane moves and masks that unpack it. */
    private static final VectorSpecies<Integer> I4 = IntVector.SPECIES_128;
    private static final VectorShuffle<Integer> A_C_B_C = VectorShuffle.fromValues(I4, 1, 3, 2, 3),
            A_A_B_B = VectorShuffle.fromValues(I4, 1, 1, 2, 2);
    private static final IntVector HIGH_MIN_SHIFT = IntVector.fromArray(I4, new int[]{0, 0, 0, 4}, 0);
    private static final IntVector LOW_MASKS = IntVector.fromArray(I4, new int[]{0x3F3F3F3F, 0x0F0F0F0F, 0x3F3F3F3F, 0x0F0F0F0F}, 0);
    private static final IntVector HIGH_MASKS = IntVector.fromArray(I4, new int[]{0, 0x30303030, 0, 0x30303030}, 0);

    private static VectorShuffle<Float> halves(int a, int b) {
        return VectorShuffle.fromOp(F16, i -> i < 8 ? a : b);
    }

    Q4_KWideRowKernel() {
        super(new Q4_KRowKernel());
    }

    @Override
    public ActivationLayout layout() {
        return ActivationLayout.NIBBLES_32;
    }

    @Override
    public void dot4(MemorySegment w, long row0, long dist, PreparedActivation px, float[] y, int y0, int yd) {
        px.check(ActivationLayout.NIBBLES_32);
        float[] xp = px.values(), sums = px.sums();
        int n = px.n();
        // per row: 16·d·sc of the current block in lanes 0..7, and the running correction
        // −Σ_s (16·d·sc_s + dmin·m_s)·Σ_s x (kept in memory: vector registers are all taken)
        float[] scales = scratch(128), corr = scales; // corr at 64 + 16r
        FloatVector a0 = FloatVector.zero(F16), a1 = a0, a2 = a0, a3 = a0;
        long q0 = row0, q1 = row0 + dist, q2 = q1 + dist, q3 = q2 + dist;
        for (int xb = 0; xb < n; xb += 256, q0 += BYTES, q1 += BYTES, q2 += BYTES, q3 += BYTES) {
            // −Σx of the eight sub-blocks, twice: against the scales in lanes 0..7 and the mins in 8..15
            FloatVector xs = FloatVector.fromArray(F16, sums, xb / 16);
            // one loop body for the four rows' scales: C2 compiles a method only up to a node budget
            for (int r = 0; r < 4; r++) {
                long q = q0 + r * dist;
                // the 12 scale bytes unpacked in one 128-bit vector (scalar shifts and masks, then two
                // lane inserts, cost a third of the kernel's time): lanes [d|dmin, a, b, c] become
                // [sc0..3, sc4..7, m0..3, m4..7] = [a & 3F, c & 0F | (a >> 2) & 30, b & 3F, (c >> 4) & 0F | (b >> 2) & 30]
                IntVector head = IntVector.fromMemorySegment(I4, w, q, LE);
                IntVector sixBit = head.rearrange(A_C_B_C).lanewise(LSHR, HIGH_MIN_SHIFT).and(LOW_MASKS)
                        .or(head.rearrange(A_A_B_B).lanewise(LSHR, 2).and(HIGH_MASKS));
                // 16·d in lanes 0..7 and dmin in 8..15, widened from fp16 with integer ops (the scalar
                // conversions, broadcasts and blend cost a fifth of the kernel): each fp16 goes to the
                // top half of its lane; magnitude bits >> 3 are the fp32 pattern of value·2^-112
                // (exact for normal and subnormal fp16; Inf and NaN, which no valid file holds, become
                // finite), the scale vector's 2^112 (2^116 with the 16) restores it, the sign is xor-ed back
                IntVector top = IntVector.broadcast(I16, w.get(LE_INT, q)).lanewise(LSHL, D_DMIN_TO_TOP);
                FloatVector dm = top.lanewise(LSHR, 3).and(0x0FFFE000).reinterpretAsFloats().mul(D_DMIN_SCALE)
                        .reinterpretAsInts().lanewise(XOR, top.and(0x80000000)).reinterpretAsFloats();
                // lanes 0..7: 16·d·sc, lanes 8..15: dmin·m, converted together
                FloatVector sm = ((FloatVector) sixBit.reinterpretAsBytes().convertShape(B2F, F16, 0)).mul(dm);
                sm.intoArray(scales, 16 * r);
                sm.fma(xs, FloatVector.fromArray(F16, corr, 64 + 16 * r)).intoArray(corr, 64 + 16 * r);
            }
            for (int h = 0; h < 2; h++) {
                // (rotated & NIBBLE_BITS) | ONE as a bitwise blend: C2 then emits one ternary-logic op in
                // place on the rotated value (and/or first copied the constant into a fresh register)
                IntVector ONES = IntVector.broadcast(I16, ONE), KEEP = IntVector.broadcast(I16, ~NIBBLE_BITS);
                IntVector v0 = IntVector.fromMemorySegment(I16, w, q0 + 16 + 64 * h, LE);
                IntVector v1 = IntVector.fromMemorySegment(I16, w, q1 + 16 + 64 * h, LE);
                IntVector v2 = IntVector.fromMemorySegment(I16, w, q2 + 16 + 64 * h, LE);
                IntVector v3 = IntVector.fromMemorySegment(I16, w, q3 + 16 + 64 * h, LE);
                int xo = xb + 128 * h;
                // code vector g = nibble g of each lane (bits 4g..4g+3) rotated to bits 19..22; even g
                // (low nibbles: sub-blocks 4h, 4h+2) sum into e, odd g (4h+1, 4h+3) into o, per row
                FloatVector e0, o0, e1, o1, e2, o2, e3, o3;
                FloatVector x0 = FloatVector.fromArray(F16, xp, xo), x1 = FloatVector.fromArray(F16, xp, xo + 16);
                e0 = v0.lanewise(ROL, 19).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x0);
                o0 = v0.lanewise(ROL, 15).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x1);
                e1 = v1.lanewise(ROL, 19).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x0);
                o1 = v1.lanewise(ROL, 15).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x1);
                e2 = v2.lanewise(ROL, 19).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x0);
                o2 = v2.lanewise(ROL, 15).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x1);
                e3 = v3.lanewise(ROL, 19).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x0);
                o3 = v3.lanewise(ROL, 15).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().mul(x1);
                x0 = FloatVector.fromArray(F16, xp, xo + 32);
                x1 = FloatVector.fromArray(F16, xp, xo + 48);
                e0 = v0.lanewise(ROL, 11).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x0, e0);
                o0 = v0.lanewise(ROL, 7).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x1, o0);
                e1 = v1.lanewise(ROL, 11).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x0, e1);
                o1 = v1.lanewise(ROL, 7).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x1, o1);
                e2 = v2.lanewise(ROL, 11).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x0, e2);
                o2 = v2.lanewise(ROL, 7).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x1, o2);
                e3 = v3.lanewise(ROL, 11).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x0, e3);
                o3 = v3.lanewise(ROL, 7).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x1, o3);
                x0 = FloatVector.fromArray(F16, xp, xo + 64);
                x1 = FloatVector.fromArray(F16, xp, xo + 80);
                e0 = v0.lanewise(ROL, 3).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x0, e0);
                o0 = v0.lanewise(ROL, 31).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x1, o0);
                e1 = v1.lanewise(ROL, 3).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x0, e1);
                o1 = v1.lanewise(ROL, 31).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x1, o1);
                e2 = v2.lanewise(ROL, 3).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x0, e2);
                o2 = v2.lanewise(ROL, 31).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x1, o2);
                e3 = v3.lanewise(ROL, 3).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x0, e3);
                o3 = v3.lanewise(ROL, 31).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x1, o3);
                x0 = FloatVector.fromArray(F16, xp, xo + 96);
                x1 = FloatVector.fromArray(F16, xp, xo + 112);
                e0 = v0.lanewise(ROL, 27).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x0, e0);
                o0 = v0.lanewise(ROL, 23).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x1, o0);
                e1 = v1.lanewise(ROL, 27).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x0, e1);
                o1 = v1.lanewise(ROL, 23).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x1, o1);
                e2 = v2.lanewise(ROL, 27).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x0, e2);
                o2 = v2.lanewise(ROL, 23).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x1, o2);
                e3 = v3.lanewise(ROL, 27).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x0, e3);
                o3 = v3.lanewise(ROL, 23).bitwiseBlend(ONES, KEEP).reinterpretAsFloats().fma(x1, o3);
                VectorShuffle<Float> se = h == 0 ? SUB_0_2 : SUB_4_6, so = h == 0 ? SUB_1_3 : SUB_5_7;
                FloatVector c0 = FloatVector.fromArray(F16, scales, 0), c1 = FloatVector.fromArray(F16, scales, 16);
                FloatVector c2 = FloatVector.fromArray(F16, scales, 32), c3 = FloatVector.fromArray(F16, scales, 48);
                a0 = o0.fma(c0.rearrange(so), e0.fma(c0.rearrange(se), a0));
                a1 = o1.fma(c1.rearrange(so), e1.fma(c1.rearrange(se), a1));
                a2 = o2.fma(c2.rearrange(so), e2.fma(c2.rearrange(se), a2));
                a3 = o3.fma(c3.rearrange(so), e3.fma(c3.rearrange(se), a3));
            }
        }
        // lane sums written out (a helper call would not be inlined in a method this large)
        for (int r = 0; r < 4; r++) {
            FloatVector acc = (r == 0 ? a0 : r == 1 ? a1 : r == 2 ? a2 : a3).add(FloatVector.fromArray(F16, corr, 64 + 16 * r));
            acc = acc.add(acc.rearrange(X16_8));
            acc = acc.add(acc.rearrange(X16_4));
            acc = acc.add(acc.rearrange(X16_2));
            y[y0 + r * yd] = acc.add(acc.rearrange(X16_1)).lane(0);
        }
    }
}
