package io.quantarena.evalworker;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * @param modelsDir   where base models are read (requests name files inside it)
 * @param storeDir    the model store: quants are read from it, base log-probabilities kept in {@code base-logits/}
 * @param datasetsDir where evaluation texts are read (requests name files inside it)
 * @param threads     threads per evaluation; 0 = all processors
 * @param toolVersion what evaluations record as the software that measured them; empty = this build's version
 */
@ConfigurationProperties("quantarena")
public record EvalWorkerProperties(Path modelsDir, Path storeDir, Path datasetsDir, int threads, String toolVersion) {
    public EvalWorkerProperties {
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
        if (toolVersion == null || toolVersion.isBlank()) {
            String v = EvalWorkerProperties.class.getPackage().getImplementationVersion();
            toolVersion = "quantarena " + (v == null ? "dev" : v) + " (llama-perplexity method)";
        }
    }
}
