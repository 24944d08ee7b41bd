package io.quantarena.core.kernel.cpu;

import io.quantarena.core.quant.DecodeTables;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ4_KS dot product on 512-bit vectors (spec §9.7: float32 row scale, then per 256 eight scale
 * bytes and qs[128] laid out as IQ4_XS; ls = (b &amp; 254) − 127, bit 0 selects the shifted levels).
 *
 * <p>Codes are looked up as in {@link IQ4_XSWideRowKernel}, always in the normal levels: the
 * shifted levels are the normal ones + 4 (iq4k_values), so a shifted sub-block adds 4·ls·Σ x
 * over its 32 elements, taken once per block from the prepared sums
 * ({@link ActivationLayout#NIBBLES_16_SUMS32}). The row scale multiplies the finished sum.
 */
final class IQ4_KSWideRowKernel extends WideRowKernel {

    private static final int BYTES = 136;
    /** iq4k_values' normal half as float bits. */
    private static final int[] LEVELS = WideTables.floatBits(DecodeTables.iq4kValues(), 16);
    /** Shifted level = normal level + SHIFT (iq4k_values: the second half is the first + 4). */
    static final float SHIFT = 4;
    private static final VectorShuffle<Float> QUARTERS_0 = VectorShuffle.fromOp(F16, i -> i / 4),
            QUARTERS_1 = VectorShuffle.fromOp(F16, i -> 4 + i / 4);

    static {
        WideTables.checkShifted(DecodeTables.iq4kValues(), 16, (int) SHIFT);
    }

    IQ4_KSWideRowKernel() {
        super(new IQ4_KSRowKernel());
    }

    @Override
    public ActivationLayout layout() {
        return ActivationLayout.NIBBLES_16_SUMS32;
    }

    @Override
    public void dot4(MemorySegment w, long row0, long dist, PreparedActivation px, float[] y, int y0, int yd) {
        px.check(ActivationLayout.NIBBLES_16_SUMS32);
        float[] xp = px.values(), sums = px.sums();
        int n = px.n();
        IntVector levels = IntVector.fromArray(I16, LEVELS, 0);
        // per row r: the block's eight sub-block scales ls at 16r (lanes 0..7), and the running
        // shifted-level correction at 64 + 16r (registers are all taken)
        float[] scales = scratch(128);
        FloatVector a0 = FloatVector.zero(F16), a1 = a0, a2 = a0, a3 = a0;
        long q0 = row0 + 4, q1 = q0 + dist, q2 = q1 + dist, q3 = q2 + dist;
        for (int xb = 0; xb < n; xb += 256, q0 += BYTES, q1 += BYTES, q2 += BYTES, q3 += BYTES) {
            FloatVector xs = FloatVector.fromArray(F16, sums, xb / 16);
            // one loop body for the four rows' scales: C2 compiles a method only up to a node budget
            for (int r = 0; r < 4; r++) {
                IntVector b = (IntVector) LongVector.broadcast(L128, w.get(LE_LONG, q0 + r * dist)).reinterpretAsBytes()
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I16, 0);
                FloatVector ls = (FloatVector) b.and(254).sub(127).convert(I2F, 0);
                ls.intoArray(scales, 16 * r);
                // the shifted sub-blocks' SHIFT·ls·Σx, into the scratch row after the scales
                FloatVector shifted = (FloatVector) b.and(1).convert(I2F, 0);
                shifted.mul(ls).mul(SHIFT).fma(xs, FloatVector.fromArray(F16, scales, 64 + 16 * r))
                        .intoArray(scales, 64 + 16 * r);
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
            FloatVector acc = (r == 0 ? a0 : r == 1 ? a1 : r == 2 ? a2 : a3).add(FloatVector.fromArray(F16, scales, 64 + 16 * r));
            acc = acc.add(acc.rearrange(X16_8));
            acc = acc.add(acc.rearrange(X16_4));
            acc = acc.add(acc.rearrange(X16_2));
            y[y0 + r * yd] = w.get(LE_FLOAT, row0 + r * dist) * acc.add(acc.rearrange(X16_1)).lane(0);
        }
    }
}
