package io.quantarena.inferenceworker.engine;

import io.quantarena.core.sampling.SamplerConfig;

import java.util.List;

/**
 * How one request generates.
 *
 * @param maxTokens the most tokens to sample (the context size still bounds it)
 * @param stop      strings that end the text (not included)
 * @param ignoreEos keep generating past end-of-generation tokens (benchmarks, tests)
 */
public record GenerationParams(int maxTokens, SamplerConfig sampler, List<String> stop, boolean ignoreEos) {
    public GenerationParams {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens " + maxTokens + ", expected >= 1");
        }
        stop = List.copyOf(stop);
    }
}
