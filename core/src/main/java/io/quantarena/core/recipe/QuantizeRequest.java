package io.quantarena.core.recipe;

import io.quantarena.core.tensor.GgmlType;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Quantize every quantizable weight of {@code input} to {@code targetType}, writing {@code output}.
 *
 * @param threads worker threads; 0 or less means all available processors
 */
public record QuantizeRequest(Path input, Path output, GgmlType targetType, int threads) {

    public QuantizeRequest {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(targetType, "targetType");
    }

    /** The thread count to use: {@code threads}, or all processors when it is 0 or less. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
