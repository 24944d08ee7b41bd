package io.quantarena.evalworker;

import io.quantarena.contracts.files.DataDirectories;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * eval-worker.yml sets the defaults: directories under {@code quantarena.home} ({@code QUANTARENA_HOME}, else
 * {@code ~/.quantarena}). Directories are bound as text: a web application's String-to-Path conversion
 * resolves through the servlet context and refuses some paths.
 *
 * @param modelsDir   where base models are read (requests name files inside it)
 * @param storeDir    the model store: quants are read from it, base log-probabilities kept in {@code base-logits/}
 * @param datasetsDir where evaluation texts are read (requests name files inside it)
 * @param threads     threads per evaluation; 0 = all processors
 * @param toolVersion what evaluations record as the software that measured them; empty = this build's version
 */
@ConfigurationProperties("quantarena")
public record EvalWorkerProperties(String modelsDir, String storeDir, String datasetsDir, int threads, String toolVersion) {
    public EvalWorkerProperties {
        modelsDir = DataDirectories.orDefault(modelsDir, DataDirectories.defaultModelsDir());
        storeDir = DataDirectories.orDefault(storeDir, DataDirectories.defaultStoreDir());
        datasetsDir = DataDirectories.orDefault(datasetsDir, DataDirectories.defaultDatasetsDir());
        if (threads <= 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        if (toolVersion == null || toolVersion.isBlank()) {
            String v = EvalWorkerProperties.class.getPackage().getImplementationVersion();
            toolVersion = "quantarena " + (v == null ? "dev" : v) + " (llama-perplexity method)";
        }
    }
}
