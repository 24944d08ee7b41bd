package io.quantarena.jobs.serve;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Body of {@code POST /api/jobs/serve}: a model, prompts, and OpenAI-style sampling settings.
 *
 * @param model       a registered base model or a produced quant (e.g. {@code tiny-llama-Q8_0})
 * @param prompts     1..1000 prompts, answered in order
 * @param maxTokens   tokens per prompt, 1..4096 (default 128)
 * @param temperature 0 (greedy) .. 2 (default 0.8)
 * @param topP        (0, 1] (default 0.95)
 * @param seed        sampling seed (default: random)
 * @param stop        up to 4 stop strings
 * @param chat        format each prompt as a user message with the model's chat template
 */
public record ServeJobRequest(String model, List<String> prompts,
                              @JsonProperty("max_tokens") Integer maxTokens, Double temperature,
                              @JsonProperty("top_p") Double topP, Long seed, List<String> stop, Boolean chat) {
}
