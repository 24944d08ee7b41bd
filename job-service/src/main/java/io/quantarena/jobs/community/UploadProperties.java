package io.quantarena.jobs.community;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * @param maxSize largest community GGUF accepted by {@code POST /api/models/{base}/quants}; larger uploads get 413
 */
@ConfigurationProperties("quantarena.uploads")
public record UploadProperties(DataSize maxSize) {
    public UploadProperties {
        if (maxSize == null) {
            maxSize = DataSize.ofGigabytes(64);
        }
    }
}
