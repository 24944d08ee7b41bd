package io.quantarena.jobs.leaderboard;

import io.quantarena.contracts.TensorRow;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A quant with everything it was made from: {@code GET /api/quants/{id}}.
 *
 * @param recipe        the recipe as llama-quantize arguments
 * @param recipeOptions the recipe fields as requested (ftype, custom_q, token_embedding_type, ...)
 * @param imatrix       the importance matrix used, or null
 * @param author        who uploaded it (community quants), else null
 * @param tensors       every tensor in file order: name, shape, type, bytes
 */
public record QuantDetail(long id, UUID jobId, String model, String name, String ftype, String recipe,
                          Map<String, Object> recipeOptions, ImatrixUsed imatrix, String artifactPath, String sha256,
                          long sizeBytes, double bitsPerWeight, Long parameterCount, String origin, String author, Instant createdAt,
                          List<TensorRow> tensors) {

    /** The imatrix artifact and, when a job of ours computed it, its dataset, n_ctx and chunks. */
    public record ImatrixUsed(long artifactId, String path, String sha256, String dataset, Integer nCtx, Integer chunks) {
    }
}
