package io.quantarena.evalworker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import java.util.Map;

/**
 * Consumes evaluate.requests. The evaluation (perplexity, KL-divergence) itself arrives in a later issue; until then every request is
 * answered with a FAILED event that says so, instead of being left queued forever.
 */
@SpringBootApplication
public class EvalWorkerApplication {

    public static final String CONFIG_NAME = "eval-worker";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(EvalWorkerApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
