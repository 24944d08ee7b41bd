package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufValue;
import io.quantarena.core.tensor.GgmlType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-tensor outcome of a recipe on a model, shared by {@code --dry-run} and the
 * quantizer: types, sizes, the output metadata and the exact output file size.
 *
 * @param recipe        the recipe planned
 * @param tensors       every input tensor, in file order
 * @param metadata      the output's key/value pairs, in order
 * @param fileBytes     size of the single output file
 * @param warnings      rules that match nothing, fallbacks, imatrix entries not found, ...
 * @param fallbackCount tensors that needed the §4.6 fallback type
 * @param hasImatrix    whether importance data were given
 */
public record QuantPlan(Recipe recipe, List<PlannedTensor> tensors, Map<String, GgufValue> metadata, long fileBytes,
                        List<String> warnings, int fallbackCount, boolean hasImatrix) {

    public QuantPlan {
        tensors = List.copyOf(tensors);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        warnings = List.copyOf(warnings);
    }

    public long parameterCount() {
        return tensors.stream().mapToLong(t -> t.source().elementCount()).sum();
    }

    /** Tensor data bytes of the output, without padding. */
    public long tensorBytes() {
        return tensors.stream().mapToLong(PlannedTensor::bytes).sum();
    }

    /** Tensor data bytes of the input. */
    public long sourceBytes() {
        return tensors.stream().mapToLong(t -> t.source().byteSize()).sum();
    }

    /** 8 · tensor bytes / parameters, as the llama loader reports BPW. */
    public double bitsPerWeight() {
        long params = parameterCount();
        return params == 0 ? 0 : tensorBytes() * 8.0 / params;
    }

    /** Tensor name to output type, in file order. */
    public Map<String, GgmlType> types() {
        Map<String, GgmlType> m = new LinkedHashMap<>();
        for (PlannedTensor t : tensors) {
            m.put(t.name(), t.targetType());
        }
        return m;
    }

    public PlannedTensor tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tensor '" + name + "' in the plan"));
    }
}
