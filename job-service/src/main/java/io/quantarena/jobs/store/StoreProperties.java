package io.quantarena.jobs.store;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * @param storeDir    the model store shared with the workers (community uploads are written there)
 * @param datasetsDir evaluation texts; evaluate requests name a file inside it
 */
@ConfigurationProperties("quantarena")
public record StoreProperties(Path storeDir, Path datasetsDir) {
    public StoreProperties {
        if (storeDir == null) {
            storeDir = Path.of("var/store");
        }
        if (datasetsDir == null) {
            datasetsDir = Path.of("../shared/data");
        }
    }
}
