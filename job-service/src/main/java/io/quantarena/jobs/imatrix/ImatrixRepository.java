package io.quantarena.jobs.imatrix;

import io.quantarena.contracts.ImatrixOutcome;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@Repository
public class ImatrixRepository {

    private static final String SELECT = """
            SELECT a.id AS artifact_id, a.path, a.sha256, a.bytes, m.name AS model_name, i.job_id, i.dataset, i.dataset_sha256,
                   i.n_ctx, i.chunks, i.tokens, i.entries, i.perplexity, i.created_at
            FROM imatrices i JOIN artifacts a ON a.id = i.artifact_id JOIN models m ON m.id = i.model_id
            """;

    private static final RowMapper<ImatrixRow> ROW = (rs, n) -> new ImatrixRow(rs.getLong("artifact_id"), rs.getString("path"),
            rs.getString("sha256"), rs.getLong("bytes"), rs.getString("model_name"), rs.getObject("job_id", UUID.class),
            rs.getString("dataset"), rs.getString("dataset_sha256"), rs.getInt("n_ctx"), rs.getInt("chunks"), rs.getLong("tokens"),
            rs.getInt("entries"), (Double) rs.getObject("perplexity"), rs.getObject("created_at", OffsetDateTime.class).toInstant());

    private final JdbcClient jdbc;

    public ImatrixRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores the artifact (content-addressed: an identical file is stored once) and the imatrix made
     * by {@code jobId}; a second call for the same job changes nothing.
     */
    public void recordProduced(UUID jobId, ImatrixOutcome o) {
        jdbc.sql("""
                        INSERT INTO artifacts (kind, path, bytes, sha256) VALUES ('imatrix', ?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(o.artifactPath(), o.fileBytes(), o.sha256()).update();
        long artifactId = jdbc.sql("SELECT id FROM artifacts WHERE sha256 = ?").param(o.sha256()).query(Long.class).single();
        jdbc.sql("""
                        INSERT INTO imatrices (job_id, model_id, artifact_id, dataset, dataset_sha256, n_ctx, chunks, tokens, entries, perplexity)
                        SELECT j.id, j.model_id, ?, ?, ?, ?, ?, ?, ?, ? FROM jobs j WHERE j.id = ?
                        ON CONFLICT (job_id) DO NOTHING""")
                .params(artifactId, o.dataset(), o.datasetSha256(), o.nCtx(), o.chunks(), o.tokens(), o.entries(), o.perplexity(), jobId)
                .update();
    }

    /** The imatrix named by a request: an artifact id, a store path or a file name. */
    public Optional<ImatrixRow> find(String reference) {
        String ref = reference.trim();
        if (ref.chars().allMatch(Character::isDigit) && !ref.isEmpty() && ref.length() < 19) {
            Optional<ImatrixRow> byId = jdbc.sql(SELECT + " WHERE a.id = ? ORDER BY i.id LIMIT 1").param(Long.parseLong(ref)).query(ROW).optional();
            if (byId.isPresent()) {
                return byId;
            }
        }
        return jdbc.sql(SELECT + " WHERE a.path = ? OR a.path LIKE ? ORDER BY i.id LIMIT 1")
                .params(ref, "%/" + ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
                .query(ROW).optional();
    }

    /** Every imatrix, or those of one base model, newest first. */
    public List<ImatrixRow> list(Long modelId) {
        if (modelId == null) {
            return jdbc.sql(SELECT + " ORDER BY i.created_at DESC, i.id DESC").query(ROW).list();
        }
        return jdbc.sql(SELECT + " WHERE i.model_id = ? ORDER BY i.created_at DESC, i.id DESC").param(modelId).query(ROW).list();
    }
}
