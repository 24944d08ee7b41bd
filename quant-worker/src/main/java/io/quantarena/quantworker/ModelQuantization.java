package io.quantarena.quantworker;

import io.quantarena.core.recipe.QuantPlan;
import io.quantarena.core.recipe.QuantizeJob;
import io.quantarena.core.recipe.QuantizeProgress;
import io.quantarena.core.recipe.QuantizeResult;

import java.io.IOException;

/** The whole-model quantization the worker runs; core's recipe engine in production. */
public interface ModelQuantization {

    /** What was planned and what was written. */
    record Quantized(QuantPlan plan, QuantizeResult result) {
    }

    Quantized quantize(QuantizeJob job, QuantizeProgress progress) throws IOException;
}
