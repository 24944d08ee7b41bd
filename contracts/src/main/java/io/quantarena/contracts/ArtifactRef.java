package io.quantarena.contracts;

import java.util.Objects;

/**
 * A file of the model store that a job reads, checked by content.
 *
 * @param id     the artifact's id (artifacts table)
 * @param path   relative path inside the store, '/' separated
 * @param sha256 hex sha256 the file must have
 */
public record ArtifactRef(long id, String path, String sha256) {
    public ArtifactRef {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
    }
}
