package io.quantarena.core.quant;

/**
 * Copies of the decode tables of the lattice (spec/quant-types.md §8) and ik (§9) formats for code
 * outside this package that decodes those formats itself, such as the vectorized CPU kernels, so
 * that the codecs' tables stay the one source. Each call returns a fresh copy.
 */
public final class DecodeTables {

    private DecodeTables() {
    }

    /** iq2xxs_grid: 256 entries × 8 unsigned magnitude bytes (byte 8k + j = element j of entry k). */
    public static byte[] iq2xxsGrid() {
        return LatticeTables.IQ2XXS_GRID.clone();
    }

    /** iq2xs_grid: 512 entries × 8 bytes. */
    public static byte[] iq2xsGrid() {
        return LatticeTables.IQ2XS_GRID.clone();
    }

    /** iq2s_grid: 1024 entries × 8 bytes. */
    public static byte[] iq2sGrid() {
        return LatticeTables.IQ2S_GRID.clone();
    }

    /** iq3xxs_grid: 256 entries × 4 bytes. */
    public static byte[] iq3xxsGrid() {
        return LatticeTables.IQ3XXS_GRID.clone();
    }

    /** iq3s_grid: 512 entries × 4 bytes. */
    public static byte[] iq3sGrid() {
        return LatticeTables.IQ3S_GRID.clone();
    }

    /** iq1s_grid: 2048 entries × 8 signed bytes in {−1, 0, 1}. */
    public static byte[] iq1sGrid() {
        return LatticeTables.IQ1S_GRID.clone();
    }

    /** ksigns_iq2xs: 7-bit sign index → 8-bit negation mask (bit 7 = parity). */
    public static byte[] ksignsIq2xs() {
        return LatticeTables.KSIGNS_IQ2XS.clone();
    }

    /** iq2nl_values: 4 normal then 4 shifted levels (IQ2_K, IQ2_KS). */
    public static byte[] iq2nlValues() {
        return IqkTables.IQ2NL_VALUES.clone();
    }

    /** iq3nl_values: 8 normal then 8 shifted levels (IQ3_K, IQ3_KS). */
    public static byte[] iq3nlValues() {
        return IqkTables.IQ3NL_VALUES.clone();
    }

    /** iq4k_values: 16 normal then 16 shifted levels (IQ4_K, IQ4_KS, IQ4_KSS). */
    public static byte[] iq4kValues() {
        return IqkTables.IQ4K_VALUES.clone();
    }

    /** iq5nl_values: 32 normal then 32 shifted levels (IQ5_K, IQ5_KS). */
    public static byte[] iq5nlValues() {
        return IqkTables.IQ5NL_VALUES.clone();
    }
}
