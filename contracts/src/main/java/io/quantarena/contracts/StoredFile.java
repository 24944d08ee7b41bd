package io.quantarena.contracts;

/**
 * A file a job wrote into the model store; unlike {@link ArtifactRef} it has no artifact id yet.
 *
 * @param path   relative to the store root, '/' separated
 * @param bytes  file size
 * @param sha256 hex sha256 of the file
 */
public record StoredFile(String path, long bytes, String sha256) {
}
