package io.quantarena.core.quant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Iq4NlLevelsTest {

    /** Spec §2.8: the table lookup equals "nearest level, exact ties to the upper index" (IQ4 has no artefacts). */
    @Test
    void tableLookupIsTheNearestLevelWithTiesUp() {
        int[] v = Iq4NlLevels.VALUES;
        for (int k = -15000; k <= 15000; k++) {
            float x = k * 0.01f;
            int expected = 0;
            for (int i = 1; i < 16; i++) {
                if (Math.abs(x - v[i]) <= Math.abs(x - v[expected])) {
                    expected = i;
                }
            }
            assertThat(Iq4NlLevels.bestIndex(x)).as("best_index_iq4nl(%s)", x).isEqualTo(expected);
        }
    }

    @Test
    void zeroMapsToLevelEight() {
        assertThat(Iq4NlLevels.bestIndex(0f)).isEqualTo(8);
        assertThat(Iq4NlLevels.bestIndex(-0f)).isEqualTo(8);
    }
}
