package io.quantarena.core.kernel.cpu;

import io.quantarena.core.quant.DecodeTables;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The lattice grids as little-endian words, so that one scalar load fetches a whole group: 8-byte
 * grids (IQ2_*, IQ1_*) as longs, 4-byte grids (IQ3_*) as ints. Byte j of entry k is element j of
 * the group (spec/tables/README.md).
 */
final class LatticeGridWords {

    static final long[] IQ2XXS = longs(DecodeTables.iq2xxsGrid());
    static final long[] IQ2XS = longs(DecodeTables.iq2xsGrid());
    static final long[] IQ2S = longs(DecodeTables.iq2sGrid());
    static final int[] IQ3XXS = ints(DecodeTables.iq3xxsGrid());
    static final int[] IQ3S = ints(DecodeTables.iq3sGrid());
    /**
     * IQ1_S / IQ1_M: entry {@code k | neg << 11} holds the bytes {@code 8·g_j + (neg ? −1 : +1)}, i.e.
     * 8·(g + δ) with δ = ∓1/8: the grid value plus its delta as an integer, scaled by dl/8 later.
     */
    static final long[] IQ1S_EIGHTHS = iq1Eighths(DecodeTables.iq1sGrid());
    /** 4-bit sub-block scale s → 0.5 + s (IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS). */
    static final float[] HALF_STEPS = new float[16];
    /** ksigns_iq2xs: 7-bit sign index → 8-bit negation mask. */
    static final int[] SIGNS = unsignedBytes(DecodeTables.ksignsIq2xs());

    static {
        for (int s = 0; s < 16; s++) {
            HALF_STEPS[s] = 0.5f + s;
        }
    }

    private LatticeGridWords() {
    }

    private static long[] longs(byte[] b) {
        long[] w = new long[b.length / 8];
        MemorySegment.copy(MemorySegment.ofArray(b), ValueLayout.JAVA_LONG_UNALIGNED.withOrder(VectorSupport.LE), 0,
                w, 0, w.length);
        return w;
    }

    private static int[] ints(byte[] b) {
        int[] w = new int[b.length / 4];
        MemorySegment.copy(MemorySegment.ofArray(b), ValueLayout.JAVA_INT_UNALIGNED.withOrder(VectorSupport.LE), 0,
                w, 0, w.length);
        return w;
    }

    private static int[] unsignedBytes(byte[] b) {
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i] & 0xFF;
        }
        return v;
    }

    private static long[] iq1Eighths(byte[] grid) {
        int entries = grid.length / 8;
        byte[] b = new byte[2 * grid.length];
        for (int k = 0; k < entries; k++) {
            for (int j = 0; j < 8; j++) {
                int g = grid[8 * k + j];
                b[8 * k + j] = (byte) (8 * g + 1);
                b[8 * (entries + k) + j] = (byte) (8 * g - 1);
            }
        }
        return longs(b);
    }
}
