package io.quantarena.quantworker;

import io.quantarena.core.recipe.QuantizeProgress;
import io.quantarena.core.recipe.QuantizeRequest;
import io.quantarena.core.recipe.QuantizeResult;

import java.io.IOException;

/** The whole-model quantization the worker runs; core's quantizer in production. */
public interface ModelQuantization {
    QuantizeResult quantize(QuantizeRequest request, QuantizeProgress progress) throws IOException;
}
