package io.quantarena.contracts;

import java.util.Objects;
import java.util.UUID;

/**
 * Ask a quant-worker to quantize a base model.
 *
 * @param jobId     the job this work belongs to; results are keyed by it
 * @param modelName the base model's registered name (used to name the output)
 * @param modelFile the base model's file name inside the worker's models directory (never a free path)
 * @param recipe    the ftype and its options
 * @param imatrix   the importance matrix to use, or null
 */
public record QuantizeRequested(UUID jobId, String modelName, String modelFile, QuantRecipe recipe, ArtifactRef imatrix) {
    public QuantizeRequested {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(recipe, "recipe");
    }
}
