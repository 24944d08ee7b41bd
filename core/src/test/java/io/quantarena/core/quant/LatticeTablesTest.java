package io.quantarena.core.quant;

import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated {@link LatticeTables} equal {@code spec/tables/*.txt}, the quantizer grids derived
 * from them equal the reference's {@code kgrid_*} code tables, and the neighbour lists hold exactly
 * the grid points at the {@code nwant} nearest distances in (distance, index) order (§8.1).
 */
class LatticeTablesTest {

    /** Values of a table file (after its one comment line), as unsigned integers. */
    static long[] tableValues(String file) {
        String[] lines = SharedAssets.text("spec/tables/" + file).split("\n");
        assertThat(lines[0]).as("%s header", file).startsWith("#");
        return Arrays.stream(lines, 1, lines.length).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(s -> s.startsWith("0x") ? new BigInteger(s.substring(2), 16).longValue() : Long.parseLong(s))
                .toArray();
    }

    static Stream<Arguments> tables() {
        return Stream.of(
                Arguments.of("iq2xxs_grid.txt", LatticeTables.IQ2XXS_GRID, 8),
                Arguments.of("iq2xs_grid.txt", LatticeTables.IQ2XS_GRID, 8),
                Arguments.of("iq2s_grid.txt", LatticeTables.IQ2S_GRID, 8),
                Arguments.of("iq3xxs_grid.txt", LatticeTables.IQ3XXS_GRID, 4),
                Arguments.of("iq3s_grid.txt", LatticeTables.IQ3S_GRID, 4),
                Arguments.of("iq1s_grid.txt", LatticeTables.IQ1S_GRID, 8),
                Arguments.of("ksigns_iq2xs.txt", LatticeTables.KSIGNS_IQ2XS, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void generatedTableEqualsSharedFile(String file, byte[] table, int wordBytes) {
        long[] words = tableValues(file);
        assertThat(table).as("%s bytes", file).hasSize(words.length * wordBytes);
        for (int k = 0; k < words.length; k++) {
            long packed = 0;
            for (int j = 0; j < wordBytes; j++) {
                packed |= (table[wordBytes * k + j] & 0xFFL) << (8 * j);
            }
            long mask = wordBytes == 8 ? -1L : (1L << (8 * wordBytes)) - 1;
            assertThat(packed).as("%s entry %d", file, k).isEqualTo(words[k] & mask);
        }
    }

    static Stream<Arguments> grids() {
        return Stream.of(
                Arguments.of("kgrid_2bit_256.txt", (Supplier<LatticeGrid>) LatticeGrids::iq2xxs, 2),
                Arguments.of("kgrid_2bit_512.txt", (Supplier<LatticeGrid>) LatticeGrids::iq2xs, 2),
                Arguments.of("kgrid_2bit_1024.txt", (Supplier<LatticeGrid>) LatticeGrids::iq2s, 1),
                Arguments.of("kgrid_1bit_2048.txt", (Supplier<LatticeGrid>) LatticeGrids::iq1s, 3),
                Arguments.of("kgrid_iq3_256.txt", (Supplier<LatticeGrid>) LatticeGrids::iq3xxs, 2),
                Arguments.of("kgrid_iq3_512.txt", (Supplier<LatticeGrid>) LatticeGrids::iq3s, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grids")
    void gridCodesEqualReferenceCodeTable(String file, Supplier<LatticeGrid> gridSupplier, int nwant) {
        LatticeGrid grid = gridSupplier.get();
        long[] kgrid = tableValues(file);
        assertThat(grid.size).as("%s size", file).isEqualTo(kgrid.length);
        for (int k = 0; k < grid.size; k++) {
            long packed = 0;
            for (int i = 0; i < grid.dim; i++) {
                packed |= (long) grid.codes[grid.dim * k + i] << (grid.bits * i);
            }
            assertThat(packed).as("%s entry %d", file, k).isEqualTo(kgrid[k]);
            assertThat(grid.indexOf((int) packed)).as("%s map of entry %d", file, k).isEqualTo(k);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grids")
    void neighbourListsHoldTheNearestDistancesInOrder(String file, Supplier<LatticeGrid> gridSupplier, int nwant) {
        LatticeGrid grid = gridSupplier.get();
        int maxCode = grid.bits == 2 ? 2 : 7;
        short[] lists = grid.neighbourList();
        int checked = 0;
        for (int u = 0; u < 1 << (grid.bits * grid.dim); u++) {
            if (grid.indexOf(u) >= 0 || !codesAtMost(grid, u, maxCode)) {
                continue;
            }
            List<Integer> expected = nearest(grid, u, nwant);
            int start = grid.neighbourStart(u);
            List<Integer> actual = new ArrayList<>();
            for (int n = 1; n <= lists[start]; n++) {
                actual.add((int) lists[start + n]);
            }
            assertThat(actual).as("%s neighbours of word %d", file, u).isEqualTo(expected);
            checked++;
        }
        int words = (int) Math.pow(maxCode + 1, grid.dim);
        assertThat(checked).as("%s off-grid words", file).isEqualTo(words - grid.size);
    }

    @Test
    void signTableHasEvenParity() {
        for (int s = 0; s < 128; s++) {
            int mask = LatticeTables.KSIGNS_IQ2XS[s] & 0xFF;
            assertThat(mask & 127).as("ksigns[%d] low bits", s).isEqualTo(s);
            assertThat(Integer.bitCount(mask) % 2).as("ksigns[%d] parity", s).isZero();
        }
    }

    private static boolean codesAtMost(LatticeGrid grid, int u, int maxCode) {
        for (int i = 0; i < grid.dim; i++) {
            if (((u >>> (grid.bits * i)) & ((1 << grid.bits) - 1)) > maxCode) {
                return false;
            }
        }
        return true;
    }

    /** Brute force: all grid points sorted by (squared distance, index), cut after nwant distinct distances. */
    private static List<Integer> nearest(LatticeGrid grid, int u, int nwant) {
        long[] byDistance = new long[grid.size];
        for (int k = 0; k < grid.size; k++) {
            int d2 = 0;
            for (int i = 0; i < grid.dim; i++) {
                int c = (u >>> (grid.bits * i)) & ((1 << grid.bits) - 1);
                int diff = 2 * (c - grid.codes[grid.dim * k + i]);
                d2 += diff * diff;
            }
            byDistance[k] = (long) d2 << 32 | k;
        }
        Arrays.sort(byDistance);
        List<Integer> out = new ArrayList<>();
        int distinct = 0;
        long last = -1;
        for (long p : byDistance) {
            long d2 = p >>> 32;
            if (d2 != last) {
                if (distinct == nwant) {
                    break;
                }
                distinct++;
                last = d2;
            }
            out.add((int) p);
        }
        return out;
    }
}
