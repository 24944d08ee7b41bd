package io.quantarena.core.quant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NonLinearLevelsTest {

    /** Spec §2.8: the table lookup equals "nearest level, exact ties to the upper index" (IQ4 has no artefacts). */
    @Test
    void iq4nlTableLookupIsTheNearestLevelWithTiesUp() {
        NonLinearLevels v = IqkLevels.IQ4NL;
        for (int k = -15000; k <= 15000; k++) {
            float x = k * 0.01f;
            int expected = 0;
            for (int i = 1; i < 16; i++) {
                if (Math.abs(x - v.level(i)) <= Math.abs(x - v.level(expected))) {
                    expected = i;
                }
            }
            assertThat(v.nearest(x)).as("best_index_iq4nl(%s)", x).isEqualTo(expected);
        }
    }

    @Test
    void iq4nlZeroMapsToLevelEight() {
        assertThat(IqkLevels.IQ4NL.nearest(0f)).isEqualTo(8);
        assertThat(IqkLevels.IQ4NL.nearest(-0f)).isEqualTo(8);
    }
}
