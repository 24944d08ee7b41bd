package io.quantarena.core.sampling;

/**
 * Sampling settings with llama.cpp's meaning and defaults. A temperature ≤ 0 means greedy.
 *
 * @param topK          keep the k most likely tokens (≤ 0: all)
 * @param topP          keep the smallest set whose probability reaches p (1: off)
 * @param minP          drop tokens less likely than minP × the most likely (0: off)
 * @param repeatPenalty divide positive / multiply negative logits of recent tokens (1: off)
 * @param repeatLastN   how many recent tokens the penalty looks at
 * @param seed          random seed of the final draw
 */
public record SamplerConfig(float temperature, int topK, float topP, float minP, float repeatPenalty, int repeatLastN,
                            long seed) {

    public static SamplerConfig defaults(long seed) {
        return new SamplerConfig(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, seed);
    }

    public static SamplerConfig greedy() {
        return new SamplerConfig(0f, 40, 0.95f, 0.05f, 1.0f, 64, 0);
    }

    public SamplerConfig {
        if (topP <= 0 || topP > 1) {
            throw new IllegalArgumentException("top-p " + topP + ", expected (0, 1]");
        }
        if (minP < 0 || minP > 1) {
            throw new IllegalArgumentException("min-p " + minP + ", expected [0, 1]");
        }
        if (repeatPenalty <= 0) {
            throw new IllegalArgumentException("repeat penalty " + repeatPenalty + ", expected > 0");
        }
        if (repeatLastN < 0) {
            throw new IllegalArgumentException("repeat-last-n " + repeatLastN + ", expected >= 0");
        }
    }

    public boolean isGreedy() {
        return temperature <= 0f;
    }
}
