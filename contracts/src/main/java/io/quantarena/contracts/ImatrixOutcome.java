package io.quantarena.contracts;

/**
 * The result of an imatrix job.
 *
 * @param artifactPath  path of the {@code .dat} file inside the model store
 * @param fileBytes     its size
 * @param sha256        its hex sha256
 * @param dataset       the calibration text's file name
 * @param datasetSha256 hex sha256 of the calibration text
 * @param nCtx          tokens per chunk
 * @param chunks        chunks evaluated
 * @param tokens        tokens evaluated
 * @param entries       tensors with importance data
 * @param perplexity    perplexity over the chunks (second half of each), as llama-imatrix prints it; null if not computed
 */
public record ImatrixOutcome(String artifactPath, long fileBytes, String sha256, String dataset, String datasetSha256,
                             int nCtx, int chunks, long tokens, int entries, Double perplexity) {
}
