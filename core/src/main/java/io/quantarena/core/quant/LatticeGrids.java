package io.quantarena.core.quant;

/**
 * The quantizer grids of the lattice formats (spec/quant-types.md §8.1 table), each built once
 * on first use. Holder classes give lazy, thread-safe initialisation without locking on the
 * hot path (the JVM runs a class initialiser exactly once).
 *
 * <p>Cost, measured as thread CPU time on the shared 2-core dev box: 5–50 ms per grid on first
 * use (about 190 ms for all six, JIT warm-up included; IQ1's 2048-point grid about 27 ms once
 * warm); about 2.5 MB of maps and neighbour lists in total.
 */
final class LatticeGrids {

    private LatticeGrids() {
    }

    /** IQ2_XXS: 256 points of 8 coordinates, 2-bit codes, neighbours at the 2 nearest distances. */
    static LatticeGrid iq2xxs() {
        return Iq2xxs.GRID;
    }

    /** IQ2_XS: 512 points, 2 nearest distances. */
    static LatticeGrid iq2xs() {
        return Iq2xs.GRID;
    }

    /** IQ2_S: 1024 points, nearest distance only. */
    static LatticeGrid iq2s() {
        return Iq2s.GRID;
    }

    /** IQ1_S and IQ1_M: 2048 points of {−1, 0, 1}, 3 nearest distances. */
    static LatticeGrid iq1s() {
        return Iq1s.GRID;
    }

    /** IQ3_XXS: 256 points of 4 coordinates, 3-bit codes, 2 nearest distances. */
    static LatticeGrid iq3xxs() {
        return Iq3xxs.GRID;
    }

    /** IQ3_S: 512 points of 4 coordinates, 3 nearest distances. */
    static LatticeGrid iq3s() {
        return Iq3s.GRID;
    }

    // dequantization byte -> lattice code (tables/README.md, "kgrid <-> dequant grid")
    private static int[] iq2Codes() {
        int[] c = unmapped();
        c[8] = 0;
        c[25] = 1;
        c[43] = 2;
        return c;
    }

    private static int[] iq1Codes() {
        int[] c = unmapped();
        c[0xFF] = 0; // −1 as an unsigned byte
        c[0] = 1;
        c[1] = 2;
        return c;
    }

    private static int[] iq3xxsCodes() {
        int[] c = unmapped();
        for (int l = 0; l < 7; l++) {
            c[4 + 8 * l] = l;
        }
        c[62] = 7;
        return c;
    }

    private static int[] iq3sCodes() {
        int[] c = unmapped();
        for (int l = 0; l < 8; l++) {
            c[2 * l + 1] = l;
        }
        return c;
    }

    private static int[] unmapped() {
        int[] c = new int[256];
        java.util.Arrays.fill(c, -1);
        return c;
    }

    private static final class Iq2xxs {
        static final LatticeGrid GRID = new LatticeGrid("iq2xxs", LatticeTables.IQ2XXS_GRID, 8, 2, 2, iq2Codes(), 2);
    }

    private static final class Iq2xs {
        static final LatticeGrid GRID = new LatticeGrid("iq2xs", LatticeTables.IQ2XS_GRID, 8, 2, 2, iq2Codes(), 2);
    }

    private static final class Iq2s {
        static final LatticeGrid GRID = new LatticeGrid("iq2s", LatticeTables.IQ2S_GRID, 8, 2, 2, iq2Codes(), 1);
    }

    private static final class Iq1s {
        static final LatticeGrid GRID = new LatticeGrid("iq1s", LatticeTables.IQ1S_GRID, 8, 2, 2, iq1Codes(), 3);
    }

    private static final class Iq3xxs {
        static final LatticeGrid GRID = new LatticeGrid("iq3xxs", LatticeTables.IQ3XXS_GRID, 4, 3, 7, iq3xxsCodes(), 2);
    }

    private static final class Iq3s {
        static final LatticeGrid GRID = new LatticeGrid("iq3s", LatticeTables.IQ3S_GRID, 4, 3, 7, iq3sCodes(), 3);
    }
}
