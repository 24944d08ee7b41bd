package io.quantarena.jobs.imatrix;

import java.time.Instant;
import java.util.UUID;

/**
 * An importance matrix in the store: the artifact and how it was computed.
 *
 * @param artifactId the artifact's id: what a quantize request's {@code imatrix} names (or its path or file name)
 */
public record ImatrixRow(long artifactId, String path, String sha256, long bytes, String model, UUID jobId, String dataset,
                         String datasetSha256, int nCtx, int chunks, long tokens, int entries, Double perplexity,
                         Instant createdAt) {

    /** The file name, the short form a request may use. */
    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
