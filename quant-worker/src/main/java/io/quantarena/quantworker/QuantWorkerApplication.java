package io.quantarena.quantworker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import java.util.Map;

/** Consumes quantize.requests, runs core's ModelQuantizer, publishes job.events. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class QuantWorkerApplication {

    public static final String CONFIG_NAME = "quant-worker";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(QuantWorkerApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
