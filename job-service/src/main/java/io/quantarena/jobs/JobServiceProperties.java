package io.quantarena.jobs;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/**
 * @param modelsDir          directory scanned for base models ({@code *.gguf}) at start-up
 * @param storeDir           the model store (read to check quantize requests against their imatrix)
 * @param datasetsDir        calibration texts imatrix jobs may name
 * @param outboxPollInterval how often the outbox relay looks for unpublished rows
 */
@ConfigurationProperties("quantarena")
public record JobServiceProperties(Path modelsDir, Path storeDir, Path datasetsDir, Duration outboxPollInterval) {
    public JobServiceProperties {
        if (modelsDir == null) {
            modelsDir = Path.of("../shared/models");
        }
        if (storeDir == null) {
            storeDir = Path.of("var/store");
        }
        if (datasetsDir == null) {
            datasetsDir = Path.of("../shared/data");
        }
        if (outboxPollInterval == null) {
            outboxPollInterval = Duration.ofMillis(200);
        }
    }
}
