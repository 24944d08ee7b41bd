package io.quantarena.contracts;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Ask an inference-worker to run a batch of prompts through a model (a serve job).
 *
 * @param jobId    the job this work belongs to; results are keyed by it
 * @param model    a model name the worker's catalog knows (a base model or a produced quant)
 * @param prompts  the prompts, answered in order
 * @param settings sampling and length settings shared by all prompts
 */
public record ServeRequested(UUID jobId, String model, List<String> prompts, ServeSettings settings) {
    public ServeRequested {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(model, "model");
        prompts = List.copyOf(prompts);
        Objects.requireNonNull(settings, "settings");
    }
}
