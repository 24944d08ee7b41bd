package io.quantarena.core.model;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class VectorOpsTest {

    @Test
    void vectorSwigluIsBitIdenticalToTheScalarOne() {
        Random rnd = new Random(7);
        // an odd length so the scalar tail runs too; values up to ±100 reach both exp clamps
        int n = 4 * VectorOps.LANES + 5;
        float[] gate = new float[n];
        float[] up = new float[n];
        for (int i = 0; i < n; i++) {
            gate[i] = (float) (rnd.nextGaussian() * (i % 3 == 0 ? 40 : 2));
            up[i] = (float) rnd.nextGaussian();
        }
        gate[0] = 0f;
        gate[1] = -0f;
        float[] scalar = gate.clone();
        float[] vector = gate.clone();
        TensorMath.swiglu(scalar, 0, up, 0, n);
        VectorOps.swiglu(vector, 0, up, 0, n);
        for (int i = 0; i < n; i++) {
            assertThat(Float.floatToRawIntBits(vector[i])).as("swiglu(%s, %s)", gate[i], up[i])
                    .isEqualTo(Float.floatToRawIntBits(scalar[i]));
        }
    }
}
