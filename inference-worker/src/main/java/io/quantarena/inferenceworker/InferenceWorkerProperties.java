package io.quantarena.inferenceworker;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * Directories as text: Spring's String-to-Path conversion goes through resources and refuses relative
 * paths that climb ({@code ../shared/models}).
 *
 * @param modelsDir base models (served under their registered names)
 * @param storeDir  the model store: produced quants under {@code quants/<model>/}
 */
@ConfigurationProperties("quantarena")
public record InferenceWorkerProperties(String modelsDir, String storeDir) {

    public Path modelsPath() {
        return Path.of(modelsDir == null ? "../shared/models" : modelsDir);
    }

    public Path storePath() {
        return Path.of(storeDir == null ? "var/store" : storeDir);
    }
}
