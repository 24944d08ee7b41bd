package io.quantarena.core.recipe;

import io.quantarena.core.imatrix.Imatrix;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Quantize {@code input} with {@code recipe}, writing {@code output}.
 *
 * @param imatrix importance data (already filtered), or null
 * @param threads worker threads; 0 or less means all available processors
 */
public record QuantizeJob(Path input, Path output, Recipe recipe, Imatrix imatrix, int threads) {

    public QuantizeJob {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(recipe, "recipe");
    }

    /** The thread count to use: {@code threads}, or all processors when it is 0 or less. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
