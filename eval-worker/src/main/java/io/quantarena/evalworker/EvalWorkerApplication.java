package io.quantarena.evalworker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import java.util.Map;

/**
 * Consumes evaluate.requests, runs core's perplexity and KL-divergence, publishes job.events
 * (progress per chunk with the running perplexity, then the result with its provenance).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class EvalWorkerApplication {

    public static final String CONFIG_NAME = "eval-worker";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(EvalWorkerApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
