package io.quantarena.core.model;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FastExpTest {

    @Test
    void withinTwoUlpOfTheCorrectlyRoundedValue() {
        for (float x = -87f; x < 88f; x += 0.0137f) {
            float expected = (float) StrictMath.exp(x);
            float actual = FastExp.exp(x);
            assertThat(Math.abs(actual - expected)).as("exp(%s)", x).isLessThanOrEqualTo(2 * Math.ulp(expected));
        }
        assertThat(FastExp.exp(0f)).isEqualTo(1f);
        assertThat(FastExp.exp(-100f)).isEqualTo(0f);
        assertThat(FastExp.exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(FastExp.exp(1000f)).isFinite();
    }

    @Test
    void vectorFormGivesTheScalarResults() {
        var species = FloatVector.SPECIES_PREFERRED;
        float[] in = new float[species.length()];
        float[] out = new float[species.length()];
        for (float base = -95f; base < 90f; base += 1.37f) {
            for (int i = 0; i < in.length; i++) {
                in[i] = base + 0.11f * i;
            }
            FastExp.exp(FloatVector.fromArray(species, in, 0)).intoArray(out, 0);
            for (int i = 0; i < in.length; i++) {
                assertThat(out[i]).as("exp(%s)", in[i]).isEqualTo(FastExp.exp(in[i]));
            }
        }
    }
}
