package io.quantarena.contracts;

import java.util.Objects;
import java.util.UUID;

/**
 * Ask an eval-worker to measure a model on a dataset: perplexity, and with {@code klDivergence}
 * the KL-divergence against the base model's log-probabilities over the same chunks.
 *
 * @param jobId           the job this work belongs to; results are keyed by it
 * @param baseModel       the base model's registered name
 * @param baseModelFile   the base model's file name inside the worker's models directory
 * @param baseModelSha256 the base model file's sha256: part of the base-logits key
 * @param subjectPath     the evaluated quant's path inside the model store; null evaluates the base model itself
 * @param dataset         a file name inside the worker's datasets directory
 * @param nCtx            chunk length in tokens
 * @param chunks          at most this many chunks; null = all the dataset holds
 * @param klDivergence    also compute KL-divergence and token statistics against the base model
 * @param expertUsedCount overrides {@code <arch>.expert_used_count} of the evaluated model; null = the file's
 */
public record EvaluateRequested(UUID jobId, String baseModel, String baseModelFile, String baseModelSha256,
                                String subjectPath, String dataset, int nCtx, Integer chunks, boolean klDivergence,
                                Integer expertUsedCount) {
    public EvaluateRequested {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(baseModel, "baseModel");
        Objects.requireNonNull(baseModelFile, "baseModelFile");
        Objects.requireNonNull(baseModelSha256, "baseModelSha256");
        Objects.requireNonNull(dataset, "dataset");
        if (nCtx <= 0) {
            throw new IllegalArgumentException("nCtx is " + nCtx + ", expected > 0");
        }
    }
}
