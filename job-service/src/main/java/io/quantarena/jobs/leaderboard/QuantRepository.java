package io.quantarena.jobs.leaderboard;

import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.QuantOutcome;
import io.quantarena.contracts.TensorRow;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

@Repository
public class QuantRepository {

    private final JdbcClient jdbc;

    public QuantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores the artifact (content-addressed: an identical file is stored once) and the quant produced
     * by {@code jobId} with the recipe its job asked for; a second call for the same job changes nothing.
     */
    public void recordProduced(UUID jobId, QuantOutcome outcome) {
        jdbc.sql("""
                        INSERT INTO artifacts (kind, path, bytes, sha256) VALUES ('gguf', ?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(outcome.artifactPath(), outcome.fileBytes(), outcome.sha256()).update();
        long artifactId = jdbc.sql("SELECT id FROM artifacts WHERE sha256 = ?").param(outcome.sha256())
                .query(Long.class).single();
        String request = jdbc.sql("SELECT request::text FROM jobs WHERE id = ?").param(jobId).query(String.class).single();
        @SuppressWarnings("unchecked")
        Map<String, Object> req = MessageCodec.decode(request, Map.class);
        jdbc.sql("""
                        INSERT INTO quants (job_id, model_id, name, ftype, recipe, recipe_options, imatrix_artifact_id, artifact_id,
                                            size_bytes, bits_per_weight, parameter_count, tensor_types, tensors, origin)
                        SELECT j.id, j.model_id, m.name || ?, j.request->>'ftype', ?, j.request - 'model',
                               (j.request->'imatrix'->>'id')::bigint, ?, ?, ?, ?, ?::jsonb, ?::jsonb, 'produced'
                        FROM jobs j JOIN models m ON m.id = j.model_id WHERE j.id = ?
                        ON CONFLICT (job_id) DO NOTHING""")
                .params(nameSuffix(req), outcome.recipe() == null ? req.get("ftype") : outcome.recipe(), artifactId,
                        outcome.fileBytes(), outcome.bitsPerWeight(), outcome.parameterCount(),
                        MessageCodec.encodeToString(new TreeMap<>(outcome.tensorTypes())),
                        MessageCodec.encodeToString(outcome.tensors()), jobId)
                .update();
    }

    /** {@code -FTYPE}, then {@code -pure}, {@code -custom} (rules or type options) and {@code -imat} as they apply. */
    static String nameSuffix(Map<String, Object> request) {
        StringBuilder s = new StringBuilder("-").append(request.get("ftype"));
        if (Boolean.TRUE.equals(request.get("pure"))) {
            s.append("-pure");
        }
        if (request.containsKey("custom_q") || request.containsKey("token_embedding_type") || request.containsKey("output_tensor_type")) {
            s.append("-custom");
        }
        if (request.containsKey("imatrix")) {
            s.append("-imat");
        }
        return s.toString();
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

    /** One quant with its recipe, importance matrix and per-tensor table. */
    public Optional<QuantDetail> findById(long id) {
        return jdbc.sql("""
                        SELECT q.*, q.recipe_options::text AS options_json, q.tensors::text AS tensors_json, m.name AS model_name,
                               a.path, a.sha256, ia.path AS imatrix_path, ia.sha256 AS imatrix_sha256, i.dataset AS imatrix_dataset,
                               i.n_ctx AS imatrix_n_ctx, i.chunks AS imatrix_chunks
                        FROM quants q JOIN artifacts a ON a.id = q.artifact_id JOIN models m ON m.id = q.model_id
                        LEFT JOIN artifacts ia ON ia.id = q.imatrix_artifact_id
                        LEFT JOIN LATERAL (SELECT * FROM imatrices x WHERE x.artifact_id = q.imatrix_artifact_id ORDER BY x.id LIMIT 1) i ON true
                        WHERE q.id = ?""")
                .param(id)
                .query((rs, i) -> detail(rs))
                .optional();
    }

    @SuppressWarnings("unchecked")
    private static QuantDetail detail(ResultSet rs) throws SQLException {
        QuantDetail.ImatrixUsed imatrix = rs.getObject("imatrix_artifact_id") == null ? null
                : new QuantDetail.ImatrixUsed(rs.getLong("imatrix_artifact_id"), rs.getString("imatrix_path"),
                rs.getString("imatrix_sha256"), rs.getString("imatrix_dataset"), (Integer) rs.getObject("imatrix_n_ctx"),
                (Integer) rs.getObject("imatrix_chunks"));
        TensorRow[] tensors = MessageCodec.decode(rs.getString("tensors_json"), TensorRow[].class);
        return new QuantDetail(rs.getLong("id"), rs.getObject("job_id", UUID.class), rs.getString("model_name"), rs.getString("name"),
                rs.getString("ftype"), rs.getString("recipe"), MessageCodec.decode(rs.getString("options_json"), Map.class), imatrix,
                rs.getString("path"), rs.getString("sha256"), rs.getLong("size_bytes"), rs.getDouble("bits_per_weight"),
                (Long) rs.getObject("parameter_count"), rs.getString("origin"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), Arrays.asList(tensors));
    }

    public long countForJob(UUID jobId) {
        return jdbc.sql("SELECT count(*) FROM quants WHERE job_id = ?").param(jobId).query(Long.class).single();
    }
}
