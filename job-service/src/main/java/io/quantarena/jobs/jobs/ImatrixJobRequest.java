package io.quantarena.jobs.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code POST /api/jobs/imatrix}: llama-imatrix on a calibration text.
 *
 * @param model   name of a registered base model
 * @param dataset file name of a text in the datasets directory (GET /api/datasets)
 * @param nCtx    tokens per chunk, default 512
 * @param chunks  at most this many chunks; absent: the whole text
 */
public record ImatrixJobRequest(String model, String dataset, @JsonProperty("n_ctx") Integer nCtx, Integer chunks) {
}
