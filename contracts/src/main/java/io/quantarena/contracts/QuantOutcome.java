package io.quantarena.contracts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of a quantize job.
 *
 * @param artifactPath   path of the output inside the model store (relative, '/' separated)
 * @param fileBytes      size of the output file
 * @param sha256         hex sha256 of the output file
 * @param parameterCount number of weights in the model
 * @param bitsPerWeight  tensor data bits per weight
 * @param recipe         the recipe as llama-quantize arguments (also in the file's {@code quantize.recipe})
 * @param tensors        every tensor in file order with its shape, output type and size
 */
public record QuantOutcome(String artifactPath, long fileBytes, String sha256, long parameterCount,
                           double bitsPerWeight, String recipe, List<TensorRow> tensors) {
    public QuantOutcome {
        tensors = tensors == null ? List.of() : List.copyOf(tensors);
    }

    /** Tensor name to ggml type name, in file order. */
    public Map<String, String> tensorTypes() {
        Map<String, String> m = new LinkedHashMap<>();
        tensors.forEach(t -> m.put(t.name(), t.type()));
        return m;
    }
}
