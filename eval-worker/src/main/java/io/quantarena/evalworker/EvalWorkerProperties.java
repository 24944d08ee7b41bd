package io.quantarena.evalworker;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * Directories are bound as text: a web application's String-to-Path conversion resolves through the
 * servlet context and refuses relative defaults such as {@code ../shared/models}.
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
        if (modelsDir == null || modelsDir.isBlank()) {
            modelsDir = "../shared/models";
        }
        if (storeDir == null || storeDir.isBlank()) {
            storeDir = "var/store";
        }
        if (datasetsDir == null || datasetsDir.isBlank()) {
            datasetsDir = "../shared/data";
        }
        if (threads <= 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        if (toolVersion == null || toolVersion.isBlank()) {
            String v = EvalWorkerProperties.class.getPackage().getImplementationVersion();
            toolVersion = "quantarena " + (v == null ? "dev" : v) + " (llama-perplexity method)";
        }
    }

    public Path modelsPath() {
        return Path.of(modelsDir);
    }

    public Path storePath() {
        return Path.of(storeDir);
    }

    public Path datasetsPath() {
        return Path.of(datasetsDir);
    }
}
