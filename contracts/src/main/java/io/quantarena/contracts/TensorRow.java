package io.quantarena.contracts;

import java.util.List;
import java.util.Objects;

/**
 * One tensor of a quantized model.
 *
 * @param name  tensor name
 * @param shape ggml dimensions ne0, ne1, ... (ne0 = elements per row)
 * @param type  ggml type name in the output, e.g. {@code q4_K}
 * @param bytes data bytes in the output
 */
public record TensorRow(String name, List<Long> shape, String type, long bytes) {
    public TensorRow {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = List.copyOf(shape);
    }
}
