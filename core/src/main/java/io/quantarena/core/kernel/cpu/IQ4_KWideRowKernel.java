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
 * IQ4_K dot product on 512-bit vectors (spec §9.4: fp16 d, extra (shift bit per 16-sub-block),
 * scales_h, scales_l, qs[128] laid out as IQ4_XS per 32-block; ls = six-bit field − 32).
 *
 * <p>Codes are looked up as in {@link IQ4_XSWideRowKernel}, in the normal levels; lane i of a
 * 64-byte load belongs to 32-block i/4, so even code vectors (low nibbles) are sub-block 2(i/4) and
 * odd ones 2(i/4) + 1: each parity is summed and scaled by its own lane-quarter scale vector. The
 * shifted levels are the normal ones + 4, taken back per block as 4·d·ls·Σx from the prepared
 * 16-element sums ({@link ActivationLayout#NIBBLES_16_SUMS16}).
 */
final class IQ4_KWideRowKernel extends WideRowKernel {

    private static final int BYTES = 144;
    private static final int[] LEVELS = WideTables.floatBits(DecodeTables.iq4kValues(), 16);
    /** Lane i ← sub-block 8·half + 2·(i/4) + parity. */
    private static final VectorShuffle<Float> EVEN_0 = subBlocks(0, 0), ODD_0 = subBlocks(0, 1), EVEN_1 = subBlocks(1, 0),
            ODD_1 = subBlocks(1, 1);

    static {
        WideTables.checkShifted(DecodeTables.iq4kValues(), 16, (int) IQ4_KSWideRowKernel.SHIFT);
    }

    private static VectorShuffle<Float> subBlocks(int half, int parity) {
        return VectorShuffle.fromOp(F16, i -> 8 * half + 2 * (i / 4) + parity);
    }

    IQ4_KWideRowKernel() {
        super(new IQ4_KRowKernel());
    }

    @Override
    public ActivationLayout layout() {
        return ActivationLayout.NIBBLES_16_SUMS16;
    }

    @Override
    public void dot4(MemorySegment w, long row0, long dist, PreparedActivation px, float[] y, int y0, int yd) {
        px.check(ActivationLayout.NIBBLES_16_SUMS16);
        float[] xp = px.values(), sums = px.sums();
        int n = px.n();
        IntVector levels = IntVector.fromArray(I16, LEVELS, 0);
        // per row r: the block's sixteen sub-block scales d·ls at 16r, and the running shifted-level
        // correction at 64 + 16r (registers are all taken)
        float[] scales = scratch(128);
        FloatVector a0 = FloatVector.zero(F16), a1 = a0, a2 = a0, a3 = a0;
        long q0 = row0, q1 = q0 + dist, q2 = q1 + dist, q3 = q2 + dist;
        for (int xb = 0; xb < n; xb += 256, q0 += BYTES, q1 += BYTES, q2 += BYTES, q3 += BYTES) {
            FloatVector xs = FloatVector.fromArray(F16, sums, xb / 16).mul(IQ4_KSWideRowKernel.SHIFT);
            // one loop body for the four rows' scales: C2 compiles a method only up to a node budget
            for (int r = 0; r < 4; r++) {
                long q = q0 + r * dist;
                long head = w.get(LE_LONG, q), sl = w.get(LE_LONG, q + 8);
                int extra = (int) (head >>> 16), sh = (int) (head >>> 32);
                // one byte per sub-block: the six-bit scale field, and the shift bit at bit 6
                long f0 = Long.expand(sl, 0x0F0F_0F0F_0F0F_0F0FL) | Long.expand(sh, 0x3030_3030_3030_3030L)
                        | Long.expand(extra, 0x4040_4040_4040_4040L);
                long f1 = Long.expand(sl >>> 32, 0x0F0F_0F0F_0F0F_0F0FL) | Long.expand(sh >>> 16, 0x3030_3030_3030_3030L)
                        | Long.expand(extra >>> 8, 0x4040_4040_4040_4040L);
                IntVector f = (IntVector) LongVector.zero(L128).withLane(0, f0).withLane(1, f1).reinterpretAsBytes()
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I16, 0);
                FloatVector sv = ((FloatVector) f.and(63).sub(32).convert(I2F, 0)).mul(Float.float16ToFloat((short) head));
                sv.intoArray(scales, 16 * r);
                VectorMask<Float> shifted = f.and(64).compare(VectorOperators.NE, 0).cast(F16);
                FloatVector.fromArray(F16, scales, 64 + 16 * r).add(sv.mul(xs), shifted).intoArray(scales, 64 + 16 * r);
            }
            for (int h = 0; h < 2; h++) {
                long o = 16 + 64 * h;
                IntVector v0 = IntVector.fromMemorySegment(I16, w, q0 + o, LE);
                IntVector v1 = IntVector.fromMemorySegment(I16, w, q1 + o, LE);
                IntVector v2 = IntVector.fromMemorySegment(I16, w, q2 + o, LE);
                IntVector v3 = IntVector.fromMemorySegment(I16, w, q3 + o, LE);
                int xo = xb + 128 * h;
                FloatVector x0 = FloatVector.fromArray(F16, xp, xo), x1 = FloatVector.fromArray(F16, xp, xo + 16);
                FloatVector e0 = v0.selectFrom(levels).reinterpretAsFloats().mul(x0);
                FloatVector o0 = v0.lanewise(LSHR, 4).selectFrom(levels).reinterpretAsFloats().mul(x1);
                FloatVector e1 = v1.selectFrom(levels).reinterpretAsFloats().mul(x0);
                FloatVector o1 = v1.lanewise(LSHR, 4).selectFrom(levels).reinterpretAsFloats().mul(x1);
                FloatVector e2 = v2.selectFrom(levels).reinterpretAsFloats().mul(x0);
                FloatVector o2 = v2.lanewise(LSHR, 4).selectFrom(levels).reinterpretAsFloats().mul(x1);
                FloatVector e3 = v3.selectFrom(levels).reinterpretAsFloats().mul(x0);
                FloatVector o3 = v3.lanewise(LSHR, 4).selectFrom(levels).reinterpretAsFloats().mul(x1);
                for (int k = 1; k < 4; k++) {
                    x0 = FloatVector.fromArray(F16, xp, xo + 32 * k);
                    x1 = FloatVector.fromArray(F16, xp, xo + 32 * k + 16);
                    e0 = v0.lanewise(LSHR, 8 * k).selectFrom(levels).reinterpretAsFloats().fma(x0, e0);
                    o0 = v0.lanewise(LSHR, 8 * k + 4).selectFrom(levels).reinterpretAsFloats().fma(x1, o0);
                    e1 = v1.lanewise(LSHR, 8 * k).selectFrom(levels).reinterpretAsFloats().fma(x0, e1);
                    o1 = v1.lanewise(LSHR, 8 * k + 4).selectFrom(levels).reinterpretAsFloats().fma(x1, o1);
                    e2 = v2.lanewise(LSHR, 8 * k).selectFrom(levels).reinterpretAsFloats().fma(x0, e2);
                    o2 = v2.lanewise(LSHR, 8 * k + 4).selectFrom(levels).reinterpretAsFloats().fma(x1, o2);
                    e3 = v3.lanewise(LSHR, 8 * k).selectFrom(levels).reinterpretAsFloats().fma(x0, e3);
                    o3 = v3.lanewise(LSHR, 8 * k + 4).selectFrom(levels).reinterpretAsFloats().fma(x1, o3);
                }
                VectorShuffle<Float> even = h == 0 ? EVEN_0 : EVEN_1, odd = h == 0 ? ODD_0 : ODD_1;
                FloatVector c0 = FloatVector.fromArray(F16, scales, 0), c1 = FloatVector.fromArray(F16, scales, 16);
                FloatVector c2 = FloatVector.fromArray(F16, scales, 32), c3 = FloatVector.fromArray(F16, scales, 48);
                a0 = o0.fma(c0.rearrange(odd), e0.fma(c0.rearrange(even), a0));
                a1 = o1.fma(c1.rearrange(odd), e1.fma(c1.rearrange(even), a1));
                a2 = o2.fma(c2.rearrange(odd), e2.fma(c2.rearrange(even), a2));
                a3 = o3.fma(c3.rearrange(odd), e3.fma(c3.rearrange(even), a3));
            }
        }
        // lane sums written out: a helper taking a vector might not be inlined (and would box it)
        for (int r = 0; r < 4; r++) {
            FloatVector acc = (r == 0 ? a0 : r == 1 ? a1 : r == 2 ? a2 : a3).add(FloatVector.fromArray(F16, scales, 64 + 16 * r));
            acc = acc.add(acc.rearrange(X16_8));
            acc = acc.add(acc.rearrange(X16_4));
            acc = acc.add(acc.rearrange(X16_2));
            y[y0 + r * yd] = acc.add(acc.rearrange(X16_1)).lane(0);
        }
    }
}
