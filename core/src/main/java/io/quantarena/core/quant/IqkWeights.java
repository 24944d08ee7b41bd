package io.quantarena.core.quant;

/** Per-element quantization weights of the ik types (spec/quant-types.md §4). */
final class IqkWeights {

    private IqkWeights() {
    }

    /**
     * With an imatrix w = qw·√(x² + σ²); without, 0.25·σ² + x² ({@code quarterSigma}: IQ2_K,
     * IQ2_KS, IQ3_K, IQ5_K, IQ6_K) or x² (IQ4_K, IQ4_KS, IQ5_KS, IQ4_KSS).
     *
     * @param fused x² fused into the addition, fma(x, x, σ²): verified for IQ4_KS (§1.1); byte-neutral
     *              on the test data for the other types, which therefore round x² first
     */
    static void compute(float[] x, int xo, float[] qw, int wo, float sigma2, boolean quarterSigma, boolean fused,
                        float[] w, int n) {
        compute(x, xo, qw, wo, sigma2, quarterSigma, fused, w, n, 0);
    }

    /** As {@link #compute(float[], int, float[], int, float, boolean, boolean, float[], int)}, into w[wOut …]. */
    static void compute(float[] x, int xo, float[] qw, int wo, float sigma2, boolean quarterSigma, boolean fused,
                        float[] w, int n, int wOut) {
        if (qw == null) {
            float quarter = 0.25f * sigma2;
            for (int j = 0; j < n; j++) {
                float v = x[xo + j];
                w[wOut + j] = quarterSigma ? quarter + v * v : v * v;
            }
        } else {
            for (int j = 0; j < n; j++) {
                float v = x[xo + j];
                w[wOut + j] = qw[wo + j] * (float) Math.sqrt(fused ? Math.fma(v, v, sigma2) : v * v + sigma2);
            }
        }
    }
}
