package io.quantarena.jobs.community;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What registers a community quant besides its file (form fields of the upload, or the JSON body
 * that names a file already in the store).
 *
 * @param storePath    JSON only: the GGUF's path inside the model store
 * @param author       who made it
 * @param recipe       how it was made, free text (e.g. the llama-quantize command line)
 * @param name         the leaderboard name; the file name without {@code .gguf} by default
 * @param evaluate     queue an evaluation right away; true by default
 * @param klDivergence of that evaluation; true by default
 */
public record CommunityQuantRequest(@JsonProperty("store_path") @JsonAlias("storePath") String storePath,
                                    String author, String recipe, String name, Boolean evaluate, String dataset,
                                    @JsonProperty("n_ctx") @JsonAlias("nCtx") Integer nCtx, Integer chunks,
                                    @JsonProperty("kl_divergence") @JsonAlias("klDivergence") Boolean klDivergence) {
}
