package io.quantarena.jobs;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/**
 * @param modelsDir          directory scanned for base models ({@code *.gguf}) at start-up
 * @param outboxPollInterval how often the outbox relay looks for unpublished rows
 */
@ConfigurationProperties("quantarena")
public record JobServiceProperties(Path modelsDir, Duration outboxPollInterval) {
    public JobServiceProperties {
        if (modelsDir == null) {
            modelsDir = Path.of("../shared/models");
        }
        if (outboxPollInterval == null) {
            outboxPollInterval = Duration.ofMillis(200);
        }
    }
}
