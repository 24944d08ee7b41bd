package io.quantarena.contracts;

/**
 * A file of the model store.
 *
 * @param path   relative to the store root, '/' separated
 * @param bytes  file size
 * @param sha256 hex sha256 of the file
 */
public record ArtifactRef(String path, long bytes, String sha256) {
}
