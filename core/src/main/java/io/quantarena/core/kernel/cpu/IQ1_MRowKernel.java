package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.*;

/**
 * IQ1_M (spec §8.8): qs[32] (low 8 bits of 11-bit grid indices), qh[16] (per 16-sub-block: 3 high
 * index bits and the delta sign of each of its two groups), four uint16 scale words (3-bit scale
 * of sub-block ib at bits 3·(ib%4) of word ib/4; top nibbles form the fp16 d). y = d·(2s+1)·(g + δ)
 * per group, computed as with IQ1_S from {@link LatticeGridWords#IQ1S_EIGHTHS}.
 */
final class IQ1_MRowKernel extends LatticeRowKernel {

    private static final long[] GRID = LatticeGridWords.IQ1S_EIGHTHS;
    /** 3-bit scale s → (2s + 1)/8. */
    private static final float[] EIGHTH_STEPS = new float[8];

    static {
        for (int s = 0; s < 8; s++) {
            EIGHTH_STEPS[s] = (2 * s + 1) * 0.125f;
        }
    }

    IQ1_MRowKernel() {
        super(GgmlType.IQ1_M);
    }

    /** The super-block scale: fp16 assembled from the top nibbles of the four scale words. */
    private static float superScale(long sc) {
        int bits = (int) ((sc >>> 12) & 0x000F | (sc >>> 24) & 0x00F0 | (sc >>> 36) & 0x0F00 | (sc >>> 48) & 0xF000);
        return Float.float16ToFloat((short) bits);
    }

    private static int scale(long sc, int ib) {
        return (int) (sc >>> (16 * (ib / 4) + 3 * (ib % 4))) & 7;
    }

    /** Table entry of a group: its low index byte and the 4-bit qh field (3 high bits, delta sign in bit 3). */
    private static long group(int lowByte, int qhField) {
        return GRID[lowByte & 255 | (qhField & 15) << 8];
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        long q = firstBlock(rowOffset, col, n);
        for (int o = dstOffset, end = dstOffset + n; o < end; o += QK, q += blockBytes) {
            long sc = w.get(LE_LONG, q + 48);
            float d = superScale(sc);
            for (int ib = 0; ib < 16; ib++) {
                int lows = w.get(LE_SHORT, q + 2 * ib);
                int qh = u8(w, q + 32 + ib);
                float dl = d * (2 * scale(sc, ib) + 1);
                float dl8 = dl * 0.125f;
                ByteVector v = LongVector.zero(L128).withLane(0, group(lows, qh)).withLane(1, group(lows >>> 8, qh >>> 4))
                        .reinterpretAsBytes();
                for (int p = 0; p < P16; p++) {
                    ((FloatVector) v.convertShape(B2F, F, p)).mul(dl8).intoArray(dst, o + 16 * ib + p * FL);
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector acc = FloatVector.zero(F);
        long q = rowOffset;
        for (int xb = 0; xb < n; xb += QK, q += blockBytes) {
            long sc = w.get(LE_LONG, q + 48);
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            for (int ib = 0; ib < 16; ib += 2) {
                int lows = w.get(LE_INT, q + 2 * ib);
                int qh = w.get(LE_SHORT, q + 32 + ib);
                ByteVector v0 = LongVector.zero(L128).withLane(0, group(lows, qh)).withLane(1, group(lows >>> 8, qh >>> 4))
                        .reinterpretAsBytes();
                ByteVector v1 = LongVector.zero(L128).withLane(0, group(lows >>> 16, qh >>> 8)).withLane(1, group(lows >>> 24, qh >>> 12))
                        .reinterpretAsBytes();
                int xo = xb + 16 * ib;
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
                for (int p = 0; p < P16; p++) {
                    s0 = ((FloatVector) v0.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + p * FL), s0);
                    s1 = ((FloatVector) v1.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xo + 16 + p * FL), s1);
                }
                a0 = s0.fma(FloatVector.broadcast(F, EIGHTH_STEPS[scale(sc, ib)]), a0);
                a1 = s1.fma(FloatVector.broadcast(F, EIGHTH_STEPS[scale(sc, ib + 1)]), a1);
            }
            acc = a0.add(a1).fma(FloatVector.broadcast(F, superScale(sc)), acc);
        }
        return sumLanes(acc);
    }
}
