package io.quantarena.core.quant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The vectorised candidate scan of the IQ2_K / IQ2_KS level search gives the scalar scan's result bit for bit. */
class Iq2LevelSearchTest {

    @ParameterizedTest
    @CsvSource({"16, 16, 0", "32, 24, 8"})
    void vectorisedScanEqualsTheScalarScan(int n, int i1End, int i3Min) {
        Iq2LevelSearch vectorised = new Iq2LevelSearch(n);
        Iq2LevelSearch scalar = new Iq2LevelSearch(n);
        Random rnd = new Random(n);
        float[] x = new float[n];
        float[] w = new float[n];
        for (int trial = 0; trial < 400; trial++) {
            int kind = trial % 4;
            for (int j = 0; j < n; j++) {
                x[j] = switch (kind) {
                    case 0 -> (float) rnd.nextGaussian();
                    case 1 -> rnd.nextInt(5) - 2;          // few distinct values: tied sums
                    case 2 -> (float) Math.abs(rnd.nextGaussian()); // one sign
                    default -> (float) rnd.nextGaussian() * (j % 3 == 0 ? 10 : 0.01f);
                };
                w[j] = kind == 1 ? 1f : rnd.nextFloat() + 0.01f;
            }
            vectorised.search(x, 0, w, 0, n, i1End, i3Min, false);
            scalar.search(x, 0, w, 0, n, i1End, i3Min, true);
            assertThat(Float.floatToRawIntBits(vectorised.scale)).as("trial %d scale", trial)
                    .isEqualTo(Float.floatToRawIntBits(scalar.scale));
            assertThat(vectorised.isShifted).as("trial %d shift", trial).isEqualTo(scalar.isShifted);
        }
    }
}
