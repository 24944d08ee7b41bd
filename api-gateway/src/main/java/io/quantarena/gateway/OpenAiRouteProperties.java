package io.quantarena.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/**
 * The OpenAI-compatible route ({@code /v1/**}).
 *
 * @param inferenceWorkerUrl where the inference-worker listens
 * @param apiKeys            accepted keys ({@code Authorization: Bearer KEY}); empty = no key needed
 */
@ConfigurationProperties("quantarena.gateway")
public record OpenAiRouteProperties(String inferenceWorkerUrl, List<String> apiKeys) {
    public OpenAiRouteProperties {
        if (inferenceWorkerUrl == null || inferenceWorkerUrl.isBlank()) {
            inferenceWorkerUrl = "http://localhost:8084";
        }
        apiKeys = apiKeys == null ? List.of() : apiKeys.stream().map(String::trim).filter(k -> !k.isEmpty()).toList();
    }
}
