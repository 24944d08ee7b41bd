package io.quantarena.inferenceworker;

import io.quantarena.contracts.files.DataDirectories;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * inference-worker.yml sets the defaults: directories under {@code quantarena.home} ({@code QUANTARENA_HOME},
 * else {@code ~/.quantarena}). Directories as text: Spring's String-to-Path conversion goes through
 * resources and refuses some paths.
 *
 * @param modelsDir base models (served under their registered names)
 * @param storeDir  the model store: produced quants under {@code quants/<model>/}
 */
@ConfigurationProperties("quantarena")
public record InferenceWorkerProperties(String modelsDir, String storeDir) {
    public InferenceWorkerProperties {
        modelsDir = DataDirectories.orDefault(modelsDir, DataDirectories.defaultModelsDir());
        storeDir = DataDirectories.orDefault(storeDir, DataDirectories.defaultStoreDir());
    }
}
