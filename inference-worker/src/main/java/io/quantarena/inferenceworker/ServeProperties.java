package io.quantarena.inferenceworker;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.util.List;

/**
 * Serving settings ({@code quantarena.serve.*}).
 *
 * @param parallel          slots per model: sequences decoded together
 * @param queueSize         requests per model that may wait for a slot; more get 429
 * @param ctxSize           context per slot; 0 = min(4096, the model's training context)
 * @param ubatch            prompt micro-batch size (as {@code quantarena generate -b})
 * @param threads           compute threads per loaded model; 0 = all processors
 * @param memoryBudget      models (file bytes + KV caches) kept loaded at most; least recently used idle ones go first
 * @param cacheType         KV cache type (f16, f32, q8_0)
 * @param model             standalone mode: the one GGUF file served (no model store, no Kafka)
 * @param alias             standalone mode: the name it is served under (default: the file name without .gguf)
 * @param overrideKv        {@code KEY=TYPE:VALUE} metadata overrides applied to every model loaded
 * @param retryAfterSeconds the Retry-After of a 429
 */
@ConfigurationProperties("quantarena.serve")
public record ServeProperties(int parallel, int queueSize, int ctxSize, int ubatch, int threads, DataSize memoryBudget,
                              String cacheType, String model, String alias, List<String> overrideKv,
                              int retryAfterSeconds) {
    public ServeProperties {
        if (parallel <= 0) {
            parallel = 4;
        }
        if (queueSize <= 0) {
            queueSize = 16;
        }
        if (ubatch <= 0) {
            ubatch = 512;
        }
        if (threads <= 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        if (memoryBudget == null) {
            memoryBudget = DataSize.ofGigabytes(8);
        }
        if (cacheType == null || cacheType.isBlank()) {
            cacheType = "f16";
        }
        overrideKv = overrideKv == null ? List.of() : List.copyOf(overrideKv);
        if (retryAfterSeconds <= 0) {
            retryAfterSeconds = 1;
        }
    }

    public boolean standalone() {
        return model != null && !model.isBlank();
    }

    /** Standalone mode: the file served. */
    public Path modelFile() {
        return Path.of(model);
    }
}
