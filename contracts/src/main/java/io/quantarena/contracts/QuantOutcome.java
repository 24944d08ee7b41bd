package io.quantarena.contracts;

import java.util.Map;

/**
 * The result of a quantize job.
 *
 * @param artifactPath  path of the output inside the model store (relative, '/' separated)
 * @param fileBytes     size of the output file
 * @param sha256        hex sha256 of the output file
 * @param parameterCount number of weights in the model
 * @param bitsPerWeight tensor data bits per weight
 * @param tensorTypes   ggml type name per tensor name
 */
public record QuantOutcome(String artifactPath, long fileBytes, String sha256, long parameterCount,
                           double bitsPerWeight, Map<String, String> tensorTypes) {
    public QuantOutcome {
        tensorTypes = Map.copyOf(tensorTypes);
    }
}
