package io.quantarena.core.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TensorMathTest {

    @Test
    void rmsNormWithAndWithoutWeight() {
        float[] x = {3f, 4f};
        float[] y = new float[2];
        // mean of squares = 12.5; r = 1/sqrt(12.5 + eps)
        TensorMath.rmsNorm(x, 0, 2, null, 0f, y, 0);
        float r = 1f / (float) Math.sqrt(12.5f);
        assertThat(y).containsExactly(r * 3f, r * 4f);
        TensorMath.rmsNorm(x, 0, 2, new float[]{2f, 0.5f}, 0f, y, 0);
        assertThat(y).containsExactly((r * 2f) * 3f, (r * 0.5f) * 4f);
        // in place, with an offset
        float[] z = {9f, 1f, 1f};
        TensorMath.rmsNorm(z, 1, 2, null, 1e-5f, z, 1);
        assertThat(z[0]).isEqualTo(9f);
        assertThat(z[1]).isCloseTo(1f / (float) Math.sqrt(1f + 1e-5f), within(1e-7f));
    }

    @Test
    void ropeRotatesAdjacentPairsWithIterativeAngles() {
        // head dim 4, base 100: theta_scale = 100^(-1/2) = 0.1; pair 0 angle p, pair 1 angle 0.1·p
        float[] cs = new float[4];
        TensorMath.ropeAngles(2, 4, 100f, 1f, null, cs);
        assertThat(cs[0]).isCloseTo((float) Math.cos(2.0), within(1e-7f));
        assertThat(cs[1]).isCloseTo((float) Math.sin(2.0), within(1e-7f));
        assertThat(cs[2]).isCloseTo((float) Math.cos(0.2), within(1e-6f));
        float[] x = {1f, 0f, 0f, 1f};
        TensorMath.applyRope(x, 0, 1, 4, cs);
        assertThat(x[0]).isCloseTo((float) Math.cos(2.0), within(1e-6f));
        assertThat(x[1]).isCloseTo((float) Math.sin(2.0), within(1e-6f));
        assertThat(x[2]).isCloseTo((float) -Math.sin(0.2), within(1e-6f));
        assertThat(x[3]).isCloseTo((float) Math.cos(0.2), within(1e-6f));
        // frequency factors divide the angle, freq scale multiplies it
        TensorMath.ropeAngles(2, 4, 100f, 0.5f, new float[]{2f, 1f}, cs);
        assertThat(cs[1]).isCloseTo((float) Math.sin(0.5), within(1e-7f));
        assertThat(cs[3]).isCloseTo((float) Math.sin(0.1), within(1e-7f));
        // position 0 is the identity
        TensorMath.ropeAngles(0, 4, 100f, 1f, null, cs);
        assertThat(cs).containsExactly(1f, 0f, 1f, 0f);
    }

    @Test
    void siluSigmoidSwiglu() {
        assertThat(TensorMath.silu(0f)).isEqualTo(0f);
        assertThat(TensorMath.silu(2f)).isCloseTo(2f / (1f + (float) Math.exp(-2)), within(1e-7f));
        assertThat(TensorMath.sigmoid(0f)).isEqualTo(0.5f);
        float[] g = {1f, -1f};
        TensorMath.swiglu(g, 0, new float[]{2f, 3f}, 0, 2);
        assertThat(g[0]).isCloseTo(2f * 0.7310586f, within(1e-6f));
        assertThat(g[1]).isCloseTo(3f * -0.26894143f, within(1e-6f));
    }

    @Test
    void vectorisedSwigluGivesTheScalarResultsBitForBit() {
        int n = 1000; // not a multiple of the vector length: the tail takes the scalar path
        float[] gate = new float[n];
        float[] up = new float[n];
        java.util.Random rnd = new java.util.Random(5);
        for (int i = 0; i < n; i++) {
            gate[i] = (float) (rnd.nextGaussian() * (i % 3 == 0 ? 40 : 2));
            up[i] = (float) rnd.nextGaussian();
        }
        gate[3] = -200f;
        gate[6] = 200f;
        float[] scalar = gate.clone();
        TensorMath.swiglu(scalar, 0, up, 0, n);
        VectorOps.swiglu(gate, 0, up, 0, n);
        for (int i = 0; i < n; i++) {
            assertThat(Float.floatToRawIntBits(gate[i])).as("element %d", i).isEqualTo(Float.floatToRawIntBits(scalar[i]));
        }
    }

    @Test
    void softmaxNormalisesAndIgnoresMaskedEntries() {
        float[] s = {1f, 2f, Float.NEGATIVE_INFINITY};
        TensorMath.softmax(s, 0, 3);
        double e = Math.exp(1);
        assertThat(s[0]).isCloseTo((float) (1 / (1 + e)), within(1e-7f));
        assertThat(s[1]).isCloseTo((float) (e / (1 + e)), within(1e-7f));
        assertThat(s[2]).isEqualTo(0f);
    }

    @Test
    void attentionTemperatureStartsAtTheFloorScale() {
        assertThat(TensorMath.attentionTemperature(0)).isEqualTo(1f);
        assertThat(TensorMath.attentionTemperature(8190)).isEqualTo(1f);
        assertThat(TensorMath.attentionTemperature(8191)).isCloseTo((float) (Math.log(2) * 0.1 + 1), within(1e-6f));
        assertThat(TensorMath.attentionTemperature(3 * 8192 - 1)).isCloseTo((float) (Math.log(4) * 0.1 + 1), within(1e-6f));
    }
}
