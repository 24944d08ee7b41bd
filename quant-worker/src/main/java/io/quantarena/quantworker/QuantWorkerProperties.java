package io.quantarena.quantworker;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * @param modelsDir   where base models are read (requests name files inside it)
 * @param storeDir    the model store: outputs go to {@code <store>/quants/<model>/} and {@code <store>/imatrix/<model>/}
 * @param datasetsDir calibration texts for imatrix jobs (requests name files inside it)
 * @param threads     threads per job; 0 = all processors
 */
@ConfigurationProperties("quantarena")
public record QuantWorkerProperties(Path modelsDir, Path storeDir, Path datasetsDir, int threads) {
    public QuantWorkerProperties {
        if (modelsDir == null) {
            modelsDir = Path.of("../shared/models");
        }
        if (storeDir == null) {
            storeDir = Path.of("var/store");
        }
        if (datasetsDir == null) {
            datasetsDir = Path.of("../shared/data");
        }
        if (threads <= 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
    }
}
