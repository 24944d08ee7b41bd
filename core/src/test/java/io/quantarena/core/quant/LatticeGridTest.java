package io.quantarena.core.quant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The vectorised neighbour search picks exactly the scalar (reference-order) search's point. */
class LatticeGridTest {

    private static LatticeGrid grid(String name) {
        return switch (name) {
            case "iq2xxs" -> LatticeGrids.iq2xxs();
            case "iq2xs" -> LatticeGrids.iq2xs();
            case "iq2s" -> LatticeGrids.iq2s();
            case "iq1s" -> LatticeGrids.iq1s();
            case "iq3xxs" -> LatticeGrids.iq3xxs();
            case "iq3s" -> LatticeGrids.iq3s();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"iq2xxs", "iq2xs", "iq2s", "iq1s", "iq3xxs", "iq3s"})
    void vectorisedNeighbourSearchEqualsTheScalarOne(String name) {
        LatticeGrid g = grid(name);
        Random rnd = new Random(name.hashCode());
        float[] x = new float[g.dim];
        float[] w = new float[g.dim];
        int words = 0;
        int ties = 0;
        for (int u = 0; u < 1 << (g.bits * g.dim); u++) {
            if (!g.hasNeighbourList(u)) {
                continue;
            }
            words++;
            for (int trial = 0; trial < 3; trial++) {
                float scale = 0.05f + rnd.nextFloat();
                boolean discrete = trial == 2; // values on the lattice: many equal distances
                for (int i = 0; i < g.dim; i++) {
                    x[i] = discrete ? scale * (2 * rnd.nextInt(4) + 1) : 3 * scale * rnd.nextFloat() * 2;
                    w[i] = discrete ? 1f : rnd.nextFloat();
                }
                int expected = g.bestNeighbourScalar(u, x, 0, w, 0, scale);
                assertThat(g.bestNeighbour(u, x, 0, w, 0, scale))
                        .as("%s word %d trial %d", name, u, trial).isEqualTo(expected);
                if (discrete) {
                    ties++;
                }
            }
        }
        assertThat(words).isGreaterThan(100);
        assertThat(ties).isEqualTo(words);
    }

    @org.junit.jupiter.api.Test
    void vectorisedIq1NeighbourSearchEqualsTheScalarOne() {
        LatticeGrid g = LatticeGrids.iq1s();
        Random rnd = new Random(11);
        float[] x = new float[g.dim];
        float[] w = new float[g.dim];
        int words = 0;
        for (int u = 0; u < 1 << (g.bits * g.dim); u++) {
            if (!g.hasNeighbourList(u)) {
                continue;
            }
            words++;
            for (int trial = 0; trial < 3; trial++) {
                float delta = trial == 2 ? 0f : 0.25f * (rnd.nextFloat() - 0.5f);
                float[] xx = {-1 + delta, delta, 1 + delta};
                float scale = 0.05f + rnd.nextFloat();
                for (int i = 0; i < g.dim; i++) {
                    // the IQ1 search sees signed values; trial 2 puts them on the levels (ties)
                    x[i] = trial == 2 ? scale * (rnd.nextInt(3) - 1) : 2 * scale * (rnd.nextFloat() - 0.5f) * 2;
                    w[i] = trial == 2 ? 1f : rnd.nextFloat();
                }
                assertThat(g.bestNeighbourIq1(u, x, 0, w, 0, scale, xx)).as("word %d trial %d", u, trial)
                        .isEqualTo(g.bestNeighbourIq1Scalar(u, x, 0, w, 0, scale, xx));
            }
        }
        assertThat(words).isGreaterThan(100);
    }
}
