package io.quantarena.inferenceworker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import java.util.Map;

/**
 * Consumes serve.requests. The serving (OpenAI-compatible /v1) itself arrives in a later issue; until then every request is
 * answered with a FAILED event that says so, instead of being left queued forever.
 */
@SpringBootApplication
public class InferenceWorkerApplication {

    public static final String CONFIG_NAME = "inference-worker";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(InferenceWorkerApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
