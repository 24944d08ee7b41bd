package io.quantarena.core.recipe;

import io.quantarena.core.tensor.GgmlType;

/** Progress of a {@link ModelQuantizer} run; called on the quantizing thread. */
public interface QuantizeProgress {

    /** No reporting, never cancelled. */
    QuantizeProgress NONE = (index, count, name, type, bytesWritten) -> {
    };

    /**
     * Tensor {@code index} (0-based) of {@code count} has been written with {@code type};
     * {@code bytesWritten} is the output size so far.
     */
    void onTensor(int index, int count, String name, GgmlType type, long bytesWritten);

    /** Polled between tensors; true stops the run with a CancellationException. */
    default boolean cancelled() {
        return false;
    }
}
