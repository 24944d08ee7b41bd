package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.IqkLevelTables.HALF;
import static io.quantarena.core.kernel.cpu.IqkLevelTables.IQ4;
import static io.quantarena.core.kernel.cpu.IqkLevelTables.ODD_SCALES;
import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ4_KSS (spec §9.9): float32 row scale, then per 32-sub-block eight uint16 words. Bit 0 of word
 * k is bit k of the scale byte S (as IQ4_KS); v = u ^ (u >> 1) with u = word &amp; 0xFFFE restores the
 * nibbles, and read as bytes v has exactly the IQ4_KS layout: low nibbles are elements 0-15, high
 * nibbles elements 16-31.
 */
final class IQ4_KSSRowKernel extends IqkRowKernel {

    /** Bit 0 of each of four little-endian uint16 words. */
    private static final long LOW_BITS = 0x0001_0001_0001_0001L;

    IQ4_KSSRowKernel() {
        super(GgmlType.IQ4_KSS);
    }

    /** The scale byte of the sub-block whose words start at {@code at}. */
    private static int scaleByte(MemorySegment w, long at) {
        return (int) (Long.compress(w.get(LE_LONG, at), LOW_BITS) | Long.compress(w.get(LE_LONG, at + 8), LOW_BITS) << 4);
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        float dRow = w.get(LE_FLOAT, rowOffset);
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            for (int ib = 0; ib < 8; ib++) {
                int sc = scaleByte(w, q + 16 * ib);
                float dl = dRow * ((sc & 254) - 127);
                ByteVector t = ByteVector.fromArray(B128, IQ4, (sc & 1) * HALF);
                ShortVector u = ShortVector.fromMemorySegment(S128, w, q + 16 * ib, LE).and((short) 0xFFFE);
                ByteVector v = u.lanewise(VectorOperators.XOR, u.lanewise(LSHR, 1)).reinterpretAsBytes();
                ByteVector lo = v.selectFrom(t);
                ByteVector hi = v.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().selectFrom(t);
                for (int p = 0; p < P16; p++) {
                    ((FloatVector) lo.convertShape(B2F, F, p)).mul(dl).intoArray(dst, o + 32 * ib + p * FL);
                    ((FloatVector) hi.convertShape(B2F, F, p)).mul(dl).intoArray(dst, o + 32 * ib + 16 + p * FL);
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long q = rowOffset + 4;
        for (int xb = 0; xb < n; xb += QK, q += blockBytes) {
            for (int ib = 0; ib < 8; ib += 2) {
                long at = q + 16 * ib;
                int sc0 = scaleByte(w, at), sc1 = scaleByte(w, at + 16);
                ByteVector t0 = ByteVector.fromArray(B128, IQ4, (sc0 & 1) * HALF);
                ByteVector t1 = ByteVector.fromArray(B128, IQ4, (sc1 & 1) * HALF);
                ShortVector u0 = ShortVector.fromMemorySegment(S128, w, at, LE).and((short) 0xFFFE);
                ShortVector u1 = ShortVector.fromMemorySegment(S128, w, at + 16, LE).and((short) 0xFFFE);
                ShortVector v0 = u0.lanewise(VectorOperators.XOR, u0.lanewise(LSHR, 1));
                ShortVector v1 = u1.lanewise(VectorOperators.XOR, u1.lanewise(LSHR, 1));
                ByteVector l0 = v0.reinterpretAsBytes().selectFrom(t0);
                ByteVector h0 = v0.lanewise(LSHR, 4).reinterpretAsBytes().selectFrom(t0);
                ByteVector l1 = v1.reinterpretAsBytes().selectFrom(t1);
                ByteVector h1 = v1.lanewise(LSHR, 4).reinterpretAsBytes().selectFrom(t1);
                int xo = xb + 32 * ib;
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                for (int p = 0; p < P16; p++) {
                    s0 = ((FloatVector) l0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                    s0 = ((FloatVector) h0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s0);
                    s1 = ((FloatVector) l1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 32 + p * FL), s1);
                    s1 = ((FloatVector) h1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 48 + p * FL), s1);
                }
                acc0 = s0.fma(FloatVector.broadcast(F, ODD_SCALES[sc0]), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F, ODD_SCALES[sc1]), acc1);
            }
        }
        return w.get(LE_FLOAT, rowOffset) * sumLanes(acc0.add(acc1));
    }
}
