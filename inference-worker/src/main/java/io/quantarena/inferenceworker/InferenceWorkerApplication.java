package io.quantarena.inferenceworker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import java.util.Map;

/**
 * Serves models: the OpenAI-compatible API under /v1 with continuous batching, /metrics, and batch serve
 * jobs from serve.requests. {@link StandaloneServer} runs the same app on one file without Kafka.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class InferenceWorkerApplication {

    public static final String CONFIG_NAME = "inference-worker";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(InferenceWorkerApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
