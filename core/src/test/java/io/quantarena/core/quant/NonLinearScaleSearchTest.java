package io.quantarena.core.quant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The tries scanned one lane each give the scalar scan's scale and level set bit for bit. */
class NonLinearScaleSearchTest {

    @ParameterizedTest
    @CsvSource({"IQ3, 3, 2, false, true, 16", "IQ3, 5, 1, false, false, 32", "IQ4, 7, 1, false, true, 16",
            "IQ4, 7, 1, false, true, 32", "IQ5, 5, 1, true, true, 16", "IQ5, 5, 1, false, true, 32",
            "IQ6, 5, 1, true, true, 16"})
    void vectorisedTriesEqualTheScalarTries(String set, int ntry, int step, boolean refit, boolean fused, int n) {
        NonLinearLevels[] levels = switch (set) {
            case "IQ3" -> IqkLevels.IQ3;
            case "IQ4" -> IqkLevels.IQ4;
            case "IQ6" -> IqkLevels.IQ6;
            default -> IqkLevels.IQ5;
        };
        NonLinearScaleSearch vectorised = new NonLinearScaleSearch(levels, ntry, step, refit, fused);
        NonLinearScaleSearch scalar = new NonLinearScaleSearch(levels, ntry, step, refit, fused);
        Random rnd = new Random(ntry * 31L + n);
        float[] x = new float[n];
        float[] w = new float[n];
        for (int trial = 0; trial < 3000; trial++) {
            int kind = trial % 5;
            for (int j = 0; j < n; j++) {
                x[j] = switch (kind) {
                    case 0 -> (float) rnd.nextGaussian();
                    case 1 -> rnd.nextInt(9) - 4;                  // on a coarse grid: ties between levels
                    case 2 -> (float) (rnd.nextGaussian() * 1e-3);
                    case 3 -> (float) rnd.nextGaussian() * (j % 5 == 0 ? 8 : 0.5f);
                    // values that land on bin edges and level midpoints once scaled by the largest
                    default -> j == 0 ? 127f : rnd.nextInt(255) - 127 + (rnd.nextBoolean() ? 0.5f : 0f);
                };
                w[j] = kind == 1 ? 1f : rnd.nextFloat() + 1e-3f;
            }
            vectorised.search(x, 0, w, 0, n, false);
            scalar.search(x, 0, w, 0, n, true);
            assertThat(Float.floatToRawIntBits(vectorised.scale)).as("%s trial %d scale", set, trial)
                    .isEqualTo(Float.floatToRawIntBits(scalar.scale));
            assertThat(vectorised.isShifted).as("%s trial %d shift", set, trial).isEqualTo(scalar.isShifted);
        }
    }
}
