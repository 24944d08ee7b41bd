package io.quantarena.jobs.jobs;

/**
 * Body of {@code POST /api/jobs/quantize}.
 *
 * @param model name of a registered base model
 * @param ftype llama ftype name, e.g. {@code Q8_0}
 */
public record QuantizeJobRequest(String model, String ftype) {
}
