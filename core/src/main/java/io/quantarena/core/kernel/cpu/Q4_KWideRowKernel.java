package io.quantarena.core.kernel.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShuffle;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

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
 */
final class Q4_KWideRowKernel extends WideRowKernel {

    private static final int BYTES = 144;
    /** Mantissa bits 19..22 (a nibble's place in 1 + q/16) and 1.0f. */
    private static final int NIBBLE_BITS = 0x00780000, ONE = 0x3F800000;
    /** Per-lane scales of the two sub-blocks in a code vector: lanes 0..7 sub-block a, lanes 8..15 sub-block b. */
    private static final VectorShuffle<Float> SUB_0_2 = halves(0, 2), SUB_1_3 = halves(1, 3), SUB_4_6 = halves(4, 6),
            SUB_5_7 = halves(5, 7);

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
    public void dot2(MemorySegment w, long row0, long row1, PreparedActivation px, float[] y, int y0, int y1) {
        px.check(ActivationLayout.NIBBLES_32);
        float[] xp = px.values(), sums = px.sums();
        int n = px.n();
        FloatVector acc = FloatVector.zero(F16), bcc = FloatVector.zero(F16);
        long q = row0, p = row1;
        for (int xb = 0; xb < n; xb += 256, q += BYTES, p += BYTES) {
            FloatVector xs = FloatVector.fromArray(F16, sums, xb / 16);
            // scales and mins of both rows: sc·16·d in lanes 0..7 (the 1 + q/16 factor), the block's
            // correction −(16·d·sc + dmin·m)·Σx added at once
            FloatVector sc, sd;
            {
                long h0 = w.get(LE_LONG, q), h1 = w.get(LE_LONG, q + 8);
                int a = (int) (h0 >>> 32), b = (int) h1, c = (int) (h1 >>> 32);
                long scBytes = (a & 0x3F3F3F3FL) | (long) ((c & 0x0F0F0F0F) | ((a >>> 2) & 0x30303030)) << 32;
                long mBytes = (b & 0x3F3F3F3FL) | (long) (((c >>> 4) & 0x0F0F0F0F) | ((b >>> 2) & 0x30303030)) << 32;
                sc = ((FloatVector) LongVector.broadcast(L128, scBytes).reinterpretAsBytes().convertShape(B2F, F16, 0))
                        .mul(16 * Float.float16ToFloat((short) h0));
                FloatVector m = (FloatVector) LongVector.broadcast(L128, mBytes).reinterpretAsBytes().convertShape(B2F, F16, 0);
                acc = m.mul(Float.float16ToFloat((short) (h0 >>> 16))).add(sc).fma(xs, acc);
            }
            {
                long h0 = w.get(LE_LONG, p), h1 = w.get(LE_LONG, p + 8);
                int a = (int) (h0 >>> 32), b = (int) h1, c = (int) (h1 >>> 32);
                long scBytes = (a & 0x3F3F3F3FL) | (long) ((c & 0x0F0F0F0F) | ((a >>> 2) & 0x30303030)) << 32;
                long mBytes = (b & 0x3F3F3F3FL) | (long) (((c >>> 4) & 0x0F0F0F0F) | ((b >>> 2) & 0x30303030)) << 32;
                sd = ((FloatVector) LongVector.broadcast(L128, scBytes).reinterpretAsBytes().convertShape(B2F, F16, 0))
                        .mul(16 * Float.float16ToFloat((short) h0));
                FloatVector m = (FloatVector) LongVector.broadcast(L128, mBytes).reinterpretAsBytes().convertShape(B2F, F16, 0);
                bcc = m.mul(Float.float16ToFloat((short) (h0 >>> 16))).add(sd).fma(xs, bcc);
            }
            // two halves of 64 code bytes; a loop (not written out) keeps C2's node count low
            for (int h = 0; h < 2; h++) {
                IntVector v = IntVector.fromMemorySegment(I16, w, q + 16 + 64 * h, LE);
                IntVector u = IntVector.fromMemorySegment(I16, w, p + 16 + 64 * h, LE);
                int xo = xb + 128 * h;
                FloatVector x0 = FloatVector.fromArray(F16, xp, xo), x1 = FloatVector.fromArray(F16, xp, xo + 16);
                FloatVector s0 = v.lanewise(ROL, 19).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().mul(x0);
                FloatVector s1 = v.lanewise(ROL, 15).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().mul(x1);
                FloatVector t0 = u.lanewise(ROL, 19).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().mul(x0);
                FloatVector t1 = u.lanewise(ROL, 15).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().mul(x1);
                x0 = FloatVector.fromArray(F16, xp, xo + 32);
                x1 = FloatVector.fromArray(F16, xp, xo + 48);
                s0 = v.lanewise(ROL, 11).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().fma(x0, s0);
                s1 = v.lanewise(ROL, 7).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().fma(x1, s1);
                t0 = u.lanewise(ROL, 11).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().fma(x0, t0);
                t1 = u.lanewise(ROL, 7).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().fma(x1, t1);
                x0 = FloatVector.fromArray(F16, xp, xo + 64);
                x1 = FloatVector.fromArray(F16, xp, xo + 80);
                s0 = v.lanewise(ROL, 3).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().fma(x0, s0);
                s1 = v.lanewise(ROL, 31).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().fma(x1, s1);
                t0 = u.lanewise(ROL, 3).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().fma(x0, t0);
                t1 = u.lanewise(ROL, 31).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().fma(x1, t1);
                x0 = FloatVector.fromArray(F16, xp, xo + 96);
                x1 = FloatVector.fromArray(F16, xp, xo + 112);
                s0 = v.lanewise(ROL, 27).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().fma(x0, s0);
                s1 = v.lanewise(ROL, 23).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().fma(x1, s1);
                t0 = u.lanewise(ROL, 27).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().fma(x0, t0);
                t1 = u.lanewise(ROL, 23).and(NIBBLE_BITS).or(ONE).reinterpretAsFloats().fma(x1, t1);
                acc = s0.fma(sc.rearrange(h == 0 ? SUB_0_2 : SUB_4_6), acc);
                acc = s1.fma(sc.rearrange(h == 0 ? SUB_1_3 : SUB_5_7), acc);
                bcc = t0.fma(sd.rearrange(h == 0 ? SUB_0_2 : SUB_4_6), bcc);
                bcc = t1.fma(sd.rearrange(h == 0 ? SUB_1_3 : SUB_5_7), bcc);
            }
        }
        // lane sums written out (a helper call here would not be inlined in a method this large)
        acc = acc.add(acc.rearrange(X16_8));
        acc = acc.add(acc.rearrange(X16_4));
        acc = acc.add(acc.rearrange(X16_2));
        y[y0] = acc.add(acc.rearrange(X16_1)).lane(0);
        bcc = bcc.add(bcc.rearrange(X16_8));
        bcc = bcc.add(bcc.rearrange(X16_4));
        bcc = bcc.add(bcc.rearrange(X16_2));
        y[y1] = bcc.add(bcc.rearrange(X16_1)).lane(0);
    }
}
