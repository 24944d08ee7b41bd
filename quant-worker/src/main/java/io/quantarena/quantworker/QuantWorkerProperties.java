package io.quantarena.quantworker;

import io.quantarena.contracts.files.DataDirectories;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * quant-worker.yml sets the defaults: directories under {@code quantarena.home} ({@code QUANTARENA_HOME}, else
 * {@code ~/.quantarena}). Directories are bound as text, as in the other services (a web application's
 * String-to-Path conversion resolves through the servlet context and refuses some paths).
 *
 * @param modelsDir   where base models are read (requests name files inside it)
 * @param storeDir    the model store: outputs go to {@code <store>/quants/<model>/} and {@code <store>/imatrix/<model>/}
 * @param datasetsDir calibration texts for imatrix jobs (requests name files inside it)
 * @param threads     threads per job; 0 = all processors
 */
@ConfigurationProperties("quantarena")
public record QuantWorkerProperties(String modelsDir, String storeDir, String datasetsDir, int threads) {
    public QuantWorkerProperties {
        modelsDir = DataDirectories.orDefault(modelsDir, DataDirectories.defaultModelsDir());
        storeDir = DataDirectories.orDefault(storeDir, DataDirectories.defaultStoreDir());
        datasetsDir = DataDirectories.orDefault(datasetsDir, DataDirectories.defaultDatasetsDir());
        if (threads <= 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
    }
}
