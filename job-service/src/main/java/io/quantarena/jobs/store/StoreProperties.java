package io.quantarena.jobs.store;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * Directories as text: a web application's String-to-Path conversion resolves through the servlet
 * context and refuses relative defaults such as {@code ../shared/data}.
 *
 * @param storeDir    the model store shared with the workers (community uploads are written there)
 * @param datasetsDir evaluation texts; evaluate requests name a file inside it
 */
@ConfigurationProperties("quantarena")
public record StoreProperties(String storeDir, String datasetsDir) {
    public StoreProperties {
        if (storeDir == null || storeDir.isBlank()) {
            storeDir = "var/store";
        }
        if (datasetsDir == null || datasetsDir.isBlank()) {
            datasetsDir = "../shared/data";
        }
    }

    public Path storePath() {
        return Path.of(storeDir);
    }

    public Path datasetsPath() {
        return Path.of(datasetsDir);
    }
}
