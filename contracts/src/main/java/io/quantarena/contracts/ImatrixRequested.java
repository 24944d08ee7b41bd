package io.quantarena.contracts;

import java.util.Objects;
import java.util.UUID;

/**
 * Ask a quant-worker to compute an importance matrix of a base model on a calibration text, like
 * {@code llama-imatrix -m MODEL -f DATASET -c N_CTX [--chunks CHUNKS]}.
 *
 * @param jobId     the job this work belongs to; results are keyed by it
 * @param modelName the base model's registered name (used to name the output)
 * @param modelFile the base model's file name inside the worker's models directory
 * @param dataset   file name of the text inside the worker's datasets directory (never a free path)
 * @param nCtx      tokens per chunk
 * @param chunks    at most this many chunks, or null for all of the text
 */
public record ImatrixRequested(UUID jobId, String modelName, String modelFile, String dataset, int nCtx, Integer chunks) {
    public ImatrixRequested {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(dataset, "dataset");
    }
}
