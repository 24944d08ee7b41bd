package io.quantarena.jobs.jobs;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Body of {@code POST /api/jobs/quantize}: llama-quantize's recipe (spec/quantize-tool.md §1).
 * Unknown members are refused (job-service.yml), so a misspelt option is not silently ignored.
 *
 * @param model              name of a registered base model
 * @param ftype              llama-quantize TYPE name, e.g. {@code Q4_K_M}
 * @param customQ            {@code --custom-q} rules {@code regex=type,...}: a string or an array of strings
 * @param tokenEmbeddingType ggml type name for {@code token_embd.weight}
 * @param outputTensorType   ggml type name for {@code output.weight}
 * @param pure               every quantized tensor gets the ftype's base type
 * @param imatrix            an imatrix artifact: its id, store path or file name
 * @param overrideKv         {@code KEY=TYPE:VALUE} metadata overrides: a string or an array of strings
 */
public record QuantizeJobRequest(
        String model,
        String ftype,
        @JsonProperty("custom_q") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> customQ,
        @JsonProperty("token_embedding_type") String tokenEmbeddingType,
        @JsonProperty("output_tensor_type") String outputTensorType,
        Boolean pure,
        String imatrix,
        @JsonProperty("override_kv") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> overrideKv) {

    /** Just a model and an ftype. */
    public static QuantizeJobRequest of(String model, String ftype) {
        return new QuantizeJobRequest(model, ftype, null, null, null, null, null, null);
    }
}
