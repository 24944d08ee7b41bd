package io.quantarena.contracts;

import java.util.Objects;
import java.util.UUID;

/**
 * Ask a quant-worker to quantize a base model.
 *
 * @param jobId     the job this work belongs to; results are keyed by it
 * @param modelName the base model's registered name (used to name the output)
 * @param modelFile the base model's file name inside the worker's models directory (never a free path)
 * @param ftype     llama ftype name, e.g. {@code Q8_0}
 */
public record QuantizeRequested(UUID jobId, String modelName, String modelFile, String ftype) {
    public QuantizeRequested {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(ftype, "ftype");
    }
}
