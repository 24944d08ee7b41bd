package io.quantarena.jobs.evaluations;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code POST /api/jobs/evaluate}. Either {@code quant} (a quant's id, ours or a community
 * upload) or {@code model} alone (the base model itself); both may be given if they agree.
 *
 * @param dataset         a file of the datasets directory; {@value io.quantarena.jobs.datasets.DatasetCatalog#DEFAULT_EVALUATION_TEXT} by default
 * @param nCtx            chunk length; 512 by default
 * @param chunks          at most this many chunks; all by default
 * @param klDivergence    also KL-divergence against the base model; off by default
 * @param expertUsedCount experts per token for a mixture-of-experts model; the file's by default
 */
public record EvaluateJobRequest(String model, Long quant, String dataset,
                                 @JsonProperty("n_ctx") @JsonAlias("nCtx") Integer nCtx,
                                 Integer chunks,
                                 @JsonProperty("kl_divergence") @JsonAlias("klDivergence") Boolean klDivergence,
                                 @JsonProperty("expert_used_count") @JsonAlias("expertUsedCount") Integer expertUsedCount) {

    public static final int DEFAULT_N_CTX = 512;
}
