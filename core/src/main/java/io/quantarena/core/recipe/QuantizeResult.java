package io.quantarena.core.recipe;

import java.util.Map;

/**
 * Outcome of a quantization run.
 *
 * @param fileBytes      size of the output file
 * @param parameterCount elements over all tensors
 * @param tensorBytes    tensor data bytes over all tensors (without padding)
 * @param bitsPerWeight  {@code tensorBytes * 8 / parameterCount}
 * @param tensorTypes    tensor name to ggml type name, in file order
 */
public record QuantizeResult(long fileBytes, long parameterCount, long tensorBytes, double bitsPerWeight,
                             Map<String, String> tensorTypes) {

    public QuantizeResult {
        tensorTypes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tensorTypes));
    }
}
