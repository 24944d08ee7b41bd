package io.quantarena.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import java.util.Map;

/**
 * The single public entry: routes /api/** and the leaderboard page to job-service and /v1/** (with API keys) to the
 * inference-worker, limits request sizes.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ApiGatewayApplication {

    public static final String CONFIG_NAME = "api-gateway";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ApiGatewayApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
