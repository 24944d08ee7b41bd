package io.quantarena.core.model;

/**
 * The element-wise primitives of the forward pass with ggml's CPU rounding behaviour
 * (spec llama4.md §3). Scalar on purpose: they are a small share of the work and must match
 * the reference order of operations.
 */
public final class TensorMath {

    private TensorMath() {
    }

    /**
     * RMSNorm of one row: sum of float squares accumulated in double, mean rounded to float,
     * r = 1/sqrtf(mean+eps), y = (r·w)·x, or r·x when {@code w} is null. {@code y} may alias {@code x}.
     */
    public static void rmsNorm(float[] x, int xo, int n, float[] w, float eps, float[] y, int yo) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            sum += v * v;
        }
        float mean = (float) (sum / n);
        float r = 1.0f / (float) Math.sqrt(mean + eps);
        if (w == null) {
            for (int i = 0; i < n; i++) {
                y[yo + i] = r * x[xo + i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                y[yo + i] = (r * w[i]) * x[xo + i];
            }
        }
    }

    /**
     * cos/sin of the RoPE angles of one position ("normal" mode): θ_0 = p, θ_{i+1} = θ_i·powf(base, −2/nRot)
     * iteratively in float, divided by the frequency factor when given, times freqScale.
     * Fills {@code cs[2i] = cos θ_i, cs[2i+1] = sin θ_i} for i &lt; nRot/2.
     */
    public static void ropeAngles(int pos, int nRot, float freqBase, float freqScale, float[] freqFactors, float[] cs) {
        float thetaScale = (float) StrictMath.pow(freqBase, -2.0f / nRot);
        float theta = (float) pos;
        for (int i = 0; i < nRot / 2; i++) {
            float ff = freqFactors != null ? freqFactors[i] : 1.0f;
            float t = freqScale * (theta / ff);
            cs[2 * i] = (float) StrictMath.cos(t);
            cs[2 * i + 1] = (float) StrictMath.sin(t);
            theta *= thetaScale;
        }
    }

    /** Rotates adjacent pairs (x_2i, x_2i+1) of {@code nHeads} heads of {@code headDim} starting at {@code xo}. */
    public static void applyRope(float[] x, int xo, int nHeads, int headDim, float[] cs) {
        for (int h = 0; h < nHeads; h++) {
            int base = xo + h * headDim;
            for (int i = 0; i < headDim / 2; i++) {
                float c = cs[2 * i];
                float s = cs[2 * i + 1];
                float x0 = x[base + 2 * i];
                float x1 = x[base + 2 * i + 1];
                x[base + 2 * i] = x0 * c - x1 * s;
                x[base + 2 * i + 1] = x0 * s + x1 * c;
            }
        }
    }

    public static float silu(float v) {
        return v / (1.0f + FastExp.exp(-v));
    }

    public static float sigmoid(float v) {
        return 1.0f / (1.0f + FastExp.exp(-v));
    }

    /** gate[i] = silu(gate[i])·up[i]: the SwiGLU activation of a parallel-gate FFN. */
    public static void swiglu(float[] gate, int go, float[] up, int uo, int n) {
        for (int i = 0; i < n; i++) {
            gate[go + i] = silu(gate[go + i]) * up[uo + i];
        }
    }

    /**
     * llama4 NoPE-layer query temperature: τ(p) = logf(floorf((p+1)/floor_scale) + 1)·scale + 1.
     */
    public static float attentionTemperature(int pos) {
        return (float) StrictMath.log((float) Math.floor((pos + 1.0f) / HyperParams.LLAMA4_TEMP_FLOOR_SCALE) + 1.0f)
                * HyperParams.LLAMA4_TEMP_SCALE + 1.0f;
    }

    /**
     * In-place softmax of {@code x[o .. o+n)}: max, exponentials summed in double, then scaled by
     * the float reciprocal of the sum.
     */
    public static void softmax(float[] x, int o, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[o + i]);
        }
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            float e = FastExp.exp(x[o + i] - max);
            x[o + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            x[o + i] *= inv;
        }
    }
}
