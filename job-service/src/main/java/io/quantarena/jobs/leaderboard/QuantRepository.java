package io.quantarena.jobs.leaderboard;

import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.QuantOutcome;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

@Repository
public class QuantRepository {

    private final JdbcClient jdbc;

    public QuantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores the artifact (content-addressed: an identical file is stored once) and the quant produced
     * by {@code jobId}; a second call for the same job changes nothing.
     */
    public void recordProduced(UUID jobId, QuantOutcome outcome) {
        jdbc.sql("""
                        INSERT INTO artifacts (kind, path, bytes, sha256) VALUES ('gguf', ?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(outcome.artifactPath(), outcome.fileBytes(), outcome.sha256()).update();
        long artifactId = jdbc.sql("SELECT id FROM artifacts WHERE sha256 = ?").param(outcome.sha256())
                .query(Long.class).single();
        jdbc.sql("""
                        INSERT INTO quants (job_id, model_id, name, ftype, recipe, artifact_id, size_bytes,
                                            bits_per_weight, tensor_types, origin)
                        SELECT j.id, j.model_id, m.name || '-' || (j.request->>'ftype'), j.request->>'ftype',
                               (j.request->>'ftype') || ' --pure', ?, ?, ?, ?::jsonb, 'produced'
                        FROM jobs j JOIN models m ON m.id = j.model_id WHERE j.id = ?
                        ON CONFLICT (job_id) DO NOTHING""")
                .params(artifactId, outcome.fileBytes(), outcome.bitsPerWeight(),
                        MessageCodec.encodeToString(new java.util.TreeMap<>(outcome.tensorTypes())), jobId)
                .update();
    }

    public List<QuantRow> findByModel(long modelId) {
        return jdbc.sql("""
                        SELECT q.*, a.path, a.sha256 FROM quants q JOIN artifacts a ON a.id = q.artifact_id
                        WHERE q.model_id = ? ORDER BY q.bits_per_weight DESC, q.created_at""")
                .param(modelId)
                .query((rs, i) -> new QuantRow(rs.getLong("id"), rs.getObject("job_id", UUID.class),
                        rs.getString("name"), rs.getString("ftype"), rs.getString("recipe"), rs.getLong("size_bytes"),
                        rs.getDouble("bits_per_weight"), rs.getString("path"), rs.getString("sha256"),
                        rs.getString("origin"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        null))
                .list();
    }

    public long countForJob(UUID jobId) {
        return jdbc.sql("SELECT count(*) FROM quants WHERE job_id = ?").param(jobId).query(Long.class).single();
    }
}
