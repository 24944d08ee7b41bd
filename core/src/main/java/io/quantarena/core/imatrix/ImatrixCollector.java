package io.quantarena.core.imatrix;

import io.quantarena.core.model.MatMulObserver;
import io.quantarena.core.model.Weight;

import java.util.Objects;

/**
 * Feeds a forward pass's weight products into an {@link ImatrixAccumulator} the way
 * llama-imatrix's callback does (spec/quantize-tool.md §6.3): dense products of layer weights
 * with at least 16 activation rows (the output tensor only when asked), and every MoE product,
 * per expert.
 */
public final class ImatrixCollector implements MatMulObserver {

    private final ImatrixAccumulator accumulator;
    private final boolean processOutput;

    /** @param processOutput also collect {@code output.weight} ({@code --process-output}) */
    public ImatrixCollector(ImatrixAccumulator accumulator, boolean processOutput) {
        this.accumulator = Objects.requireNonNull(accumulator, "accumulator");
        this.processOutput = processOutput;
    }

    @Override
    public void dense(Weight w, float[] x, int rows) {
        String name = ImatrixAccumulator.cleanName(w.name());
        if (ImatrixAccumulator.collectsDense(name, rows, processOutput)) {
            accumulator.addDense(name, x, 0, rows, w.cols());
        }
    }

    @Override
    public void experts(Weight stack, int nExpert, float[] x, int[] expertIds, int rows) {
        accumulator.addExperts(ImatrixAccumulator.cleanName(stack.name()), nExpert, x, 0, expertIds, rows, stack.cols());
    }
}
