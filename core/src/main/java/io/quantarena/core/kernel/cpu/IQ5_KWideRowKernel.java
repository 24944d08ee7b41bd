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
 * IQ5_K dot product on 512-bit vectors (spec §9.5: fp16 d, extra, scales_h, scales_l, qs[128] laid
 * out as Q4_K's chunks, qh[32] with bit b of qh[j] = bit 4 of element j of 32-block b; the 5-bit
 * index selects one of 32 levels, ls = six-bit field − 32).
 *
 * <p>Per 64 qs bytes (one vector of int lanes, x in {@link ActivationLayout#NIBBLES_32} order) the
 * qh bits of each byte's low and high nibble are rotated next to the nibble (lanes 0..7 and 8..15
 * need different rotations) and merged by a bit select, giving two vectors of 5-bit indexes, one per
 * byte; code vector g is byte g/2 of one of them, looked up in the 32 levels with a two-table lane
 * permute. Lane quarter c of low-nibble codes is sub-block 8·half + 4·(c/2) + c%2, of high-nibble
 * codes two further. The shifted levels are the normal ones + 2: 2·d·ls·Σx per shifted sub-block,
 * from the prepared 16-element sums ({@link ActivationLayout#NIBBLES_32_SUMS16}). The four rows of
 * a block are done one after the other.
 */
final class IQ5_KWideRowKernel extends WideRowKernel {

    private static final int BYTES = 176;
    private static final int[] LEVELS = WideTables.floatBits(DecodeTables.iq5nlValues(), 32);
    private static final float SHIFT = 2;
    /** Both 256-bit halves ← the block's 32 qh bytes (lanes 8..15 of the 64 bytes ending with them). */
    private static final VectorShuffle<Integer> QH = VectorShuffle.fromOp(I16, i -> 8 + i % 8);
    /**
     * Rotations that bring the qh bit of a byte's low nibble (bit 4·half + 2·(i/8)) and of its high
     * nibble (one higher) to bit 4: lane i, half 0 and half 1.
     */
    private static final int[] LOW_ROT_0 = WideTables.lanes(i -> 4 - 2 * (i / 8) & 31), HIGH_ROT_0 = WideTables.lanes(i -> 3 - 2 * (i / 8) & 31),
            LOW_ROT_1 = WideTables.lanes(i -> -2 * (i / 8) & 31), HIGH_ROT_1 = WideTables.lanes(i -> -1 - 2 * (i / 8) & 31);
    /** Lane quarter c ← sub-block 8·half + 4·(c/2) + 2·high + c%2. */
    private static final VectorShuffle<Float> LOW_0 = subBlocks(0, 0), HIGH_0 = subBlocks(0, 1), LOW_1 = subBlocks(1, 0),
            HIGH_1 = subBlocks(1, 1);

    static {
        WideTables.checkShifted(DecodeTables.iq5nlValues(), 32, (int) SHIFT);
    }

    private static VectorShuffle<Float> subBlocks(int half, int high) {
        return VectorShuffle.fromOp(F16, i -> 8 * half + 4 * (i / 8) + 2 * high + (i / 4) % 2);
    }

    IQ5_KWideRowKernel() {
        super(new IQ5_KRowKernel());
    }

    @Override
    public ActivationLayout layout() {
        return ActivationLayout.NIBBLES_32_SUMS16;
    }

    @Override
    public void dot4(MemorySegment w, long row0, long dist, PreparedActivation px, float[] y, int y0, int yd) {
        px.check(ActivationLayout.NIBBLES_32_SUMS16);
        float[] xp = px.values(), sums = px.sums();
        int n = px.n();
        IntVector t0 = IntVector.fromArray(I16, LEVELS, 0), t1 = IntVector.fromArray(I16, LEVELS, 16);
        // per row r: the block's sixteen sub-block scales d·ls at 16r, the running shifted-level
        // correction at 64 + 16r and the row's accumulator at 128 + 16r. The rows of a block are
        // done one after the other by one loop body (their loads still overlap out of order): four
        // interleaved rows would need more than the 32 vector registers, and C2 compiles a method
        // only up to a node budget.
        float[] scratch = scratch(192);
        long q0 = row0;
        for (int xb = 0; xb < n; xb += 256, q0 += BYTES) {
            FloatVector xs = FloatVector.fromArray(F16, sums, xb / 16).mul(SHIFT);
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
                VectorMask<Float> shifted = f.and(64).compare(VectorOperators.NE, 0).cast(F16);
                FloatVector.fromArray(F16, scratch, 64 + 16 * r).add(sv.mul(xs), shifted).intoArray(scratch, 64 + 16 * r);
                IntVector qh = IntVector.fromMemorySegment(I16, w, q + 112, LE).rearrange(QH);
                FloatVector acc = FloatVector.fromArray(F16, scratch, 128 + 16 * r);
                for (int h = 0; h < 2; h++) {
                    IntVector nibbles = IntVector.broadcast(I16, 0xF0F0F0F0);
                    // lo/hi = the 5-bit indexes of each byte's low/high nibble, one per byte
                    IntVector v = IntVector.fromMemorySegment(I16, w, q + 16 + 64 * h, LE);
                    IntVector lo = v.bitwiseBlend(qh.lanewise(ROL, IntVector.fromArray(I16, h == 0 ? LOW_ROT_0 : LOW_ROT_1, 0)), nibbles);
                    IntVector hi = v.lanewise(LSHR, 4).bitwiseBlend(qh.lanewise(ROL, IntVector.fromArray(I16, h == 0 ? HIGH_ROT_0 : HIGH_ROT_1, 0)), nibbles);
                    int xo = xb + 128 * h;
                    FloatVector e = lo.selectFrom(t0, t1).reinterpretAsFloats().mul(FloatVector.fromArray(F16, xp, xo));
                    FloatVector o = hi.selectFrom(t0, t1).reinterpretAsFloats().mul(FloatVector.fromArray(F16, xp, xo + 16));
                    e = lo.lanewise(LSHR, 8).selectFrom(t0, t1).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, xo + 32), e);
                    o = hi.lanewise(LSHR, 8).selectFrom(t0, t1).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, xo + 48), o);
                    e = lo.lanewise(LSHR, 16).selectFrom(t0, t1).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, xo + 64), e);
                    o = hi.lanewise(LSHR, 16).selectFrom(t0, t1).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, xo + 80), o);
                    e = lo.lanewise(LSHR, 24).selectFrom(t0, t1).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, xo + 96), e);
                    o = hi.lanewise(LSHR, 24).selectFrom(t0, t1).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xp, xo + 112), o);
                    acc = o.fma(sv.rearrange(h == 0 ? HIGH_0 : HIGH_1), e.fma(sv.rearrange(h == 0 ? LOW_0 : LOW_1), acc));
                }
                acc.intoArray(scratch, 128 + 16 * r);
            }
        }
        // lane sums written out: a helper taking a vector might not be inlined (and would box it)
        for (int r = 0; r < 4; r++) {
            FloatVector acc = FloatVector.fromArray(F16, scratch, 128 + 16 * r).add(FloatVector.fromArray(F16, scratch, 64 + 16 * r));
            acc = acc.add(acc.rearrange(X16_8));
            acc = acc.add(acc.rearrange(X16_4));
            acc = acc.add(acc.rearrange(X16_2));
            y[y0 + r * yd] = acc.add(acc.rearrange(X16_1)).lane(0);
        }
    }
}
