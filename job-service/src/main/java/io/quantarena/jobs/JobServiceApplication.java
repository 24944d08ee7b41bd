package io.quantarena.jobs;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Jobs REST API, leaderboard, outbox relay and job-event consumer. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class JobServiceApplication {

    /** Each service reads its own {@code <name>.yml}, so all of them can share one class path (dev-cluster). */
    public static final String CONFIG_NAME = "job-service";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(JobServiceApplication.class);
        app.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
