package io.quantarena.core.kernel.cpu;

import io.quantarena.core.quant.DecodeTables;

/**
 * Lookup tables of the ik row kernels. Level tables are byte-shuffle tables of 16 entries per
 * half, normal half at offset 0 and shifted half at offset {@link #HALF} (2·16 for the 32 IQ5
 * levels), so that a kernel loads a sub-block's table with its shift bit as part of the offset: a
 * plain load rather than a blend, a broadcast or a branch. Shuffles use the index modulo the
 * table size, so index bits above the format's width need no clearing when the levels repeat. Sub-block scales are read from float
 * tables by their stored bits for the same reason (a broadcast from memory).
 */
final class IqkLevelTables {

    /** Offset of the shifted half in the 2-, 3- and 4-bit level tables. */
    static final int HALF = 16;

    /** IQ2_K / IQ2_KS: 4 levels per half (iq2nl_values), repeated to 16. */
    static final byte[] IQ2 = halves(DecodeTables.iq2nlValues(), 16);
    /** IQ3_K / IQ3_KS: 8 levels per half (iq3nl_values), repeated to 16. */
    static final byte[] IQ3 = halves(DecodeTables.iq3nlValues(), 16);
    /** IQ4_K / IQ4_KS / IQ4_KSS: 16 levels per half (iq4k_values). */
    static final byte[] IQ4 = halves(DecodeTables.iq4kValues(), 16);
    /** IQ5_K / IQ5_KS: 32 levels per half (iq5nl_values) as two 16-entry tables; shifted half at 32. */
    static final byte[] IQ5 = halves(DecodeTables.iq5nlValues(), 32);

    /** IQ4_KS / IQ5_KS / IQ4_KSS scale byte b → ls = (b &amp; 254) − 127. */
    static final float[] ODD_SCALES = new float[256];
    /** IQ4_K / IQ5_K six-bit scale field v → ls = v − 32; bit 6 of the index (a shift bit riding along) is ignored. */
    static final float[] SIX_BIT_SCALES = new float[128];
    /** IQ2_KS / IQ3_KS five-bit scale field v → ls = v − 16. */
    static final float[] FIVE_BIT_SCALES = new float[32];

    static {
        for (int b = 0; b < 256; b++) {
            ODD_SCALES[b] = (b & 254) - 127;
        }
        for (int v = 0; v < 128; v++) {
            SIX_BIT_SCALES[v] = (v & 63) - 32;
        }
        for (int v = 0; v < 32; v++) {
            FIVE_BIT_SCALES[v] = v - 16;
        }
    }

    private IqkLevelTables() {
    }

    /**
     * The normal and the shifted half of {@code table}, each repeated to fill {@code stride} bytes:
     * a shuffle uses the index modulo the table size (16, or 32 for two tables), so with the levels
     * repeated the kernels need not clear index bits above the format's width.
     */
    private static byte[] halves(byte[] table, int stride) {
        int half = table.length / 2;
        byte[] t = new byte[2 * stride];
        for (int i = 0; i < stride; i++) {
            t[i] = table[i % half];
            t[stride + i] = table[half + i % half];
        }
        return t;
    }
}
