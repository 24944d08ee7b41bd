package io.quantarena.jobs.leaderboard;

import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.QuantOutcome;
import io.quantarena.contracts.TensorRow;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

@Repository
public class QuantRepository {

    /**
     * Per quant (NULL: the base model) and evaluation settings, the latest evaluation of a model.
     * Columns are prefixed {@code e_} so they can sit next to the quant's.
     */
    private static final String LATEST_EVALUATIONS = """
            latest AS (
                SELECT DISTINCT ON (e.quant_id, e.dataset_sha256, e.n_ctx, e.chunks, e.expert_used_count, e.kl_divergence)
                       e.id AS e_id, e.quant_id AS e_quant_id, e.job_id AS e_job_id, e.dataset AS e_dataset,
                       e.dataset_sha256 AS e_dataset_sha256, e.n_ctx AS e_n_ctx, e.chunks AS e_chunks,
                       e.expert_used_count AS e_expert_used_count, e.kl_divergence AS e_kl_divergence, e.ppl AS e_ppl,
                       e.ppl_error AS e_ppl_error, e.mean_ln_ratio AS e_mean_ln_ratio,
                       e.mean_ln_ratio_error AS e_mean_ln_ratio_error, e.kld_mean AS e_kld_mean,
                       e.kld_error AS e_kld_error, e.kld_median AS e_kld_median, e.kld_p99 AS e_kld_p99,
                       e.kld_max AS e_kld_max, e.delta_p_rms AS e_delta_p_rms, e.delta_p_rms_error AS e_delta_p_rms_error,
                       e.same_top_p AS e_same_top_p, e.same_top_p_error AS e_same_top_p_error,
                       e.tokens_per_second AS e_tokens_per_second, e.tool_version AS e_tool_version,
                       e.imatrix_sha256 AS e_imatrix_sha256, bl.sha256 AS e_base_logits_sha256, e.created_at AS e_created_at
                FROM evaluations e LEFT JOIN artifacts bl ON bl.id = e.base_logits_artifact_id
                WHERE e.model_id = ?
                ORDER BY e.quant_id, e.dataset_sha256, e.n_ctx, e.chunks, e.expert_used_count, e.kl_divergence,
                         e.created_at DESC, e.id DESC)
            """;

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

    /** A quant as evaluate requests need it. */
    public record StoredQuant(long id, long modelId, String name, String ftype, String artifactPath) {
    }

    public Optional<StoredQuant> findStored(long id) {
        return jdbc.sql("""
                        SELECT q.id, q.model_id, q.name, q.ftype, a.path FROM quants q
                        JOIN artifacts a ON a.id = q.artifact_id WHERE q.id = ?""")
                .param(id)
                .query((rs, i) -> new StoredQuant(rs.getLong("id"), rs.getLong("model_id"), rs.getString("name"),
                        rs.getString("ftype"), rs.getString("path")))
                .optional();
    }

    /** The quant of {@code modelId} whose file has this content, if one is registered. */
    public Optional<StoredQuant> findByModelAndSha256(long modelId, String sha256) {
        return jdbc.sql("""
                        SELECT q.id, q.model_id, q.name, q.ftype, a.path FROM quants q
                        JOIN artifacts a ON a.id = q.artifact_id WHERE q.model_id = ? AND a.sha256 = ?
                        ORDER BY q.id LIMIT 1""")
                .params(modelId, sha256)
                .query((rs, i) -> new StoredQuant(rs.getLong("id"), rs.getLong("model_id"), rs.getString("name"),
                        rs.getString("ftype"), rs.getString("path")))
                .optional();
    }

    /**
     * Registers a GGUF produced elsewhere: its artifact (reusing the row of an identical file) and a
     * community quant; returns the quant's id.
     */
    public long recordCommunity(long modelId, String name, String ftype, String recipe, String author, String path,
                                long bytes, String sha256, double bitsPerWeight, Map<String, String> tensorTypes) {
        jdbc.sql("INSERT INTO artifacts (kind, path, bytes, sha256) VALUES ('gguf', ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(path, bytes, sha256).update();
        long artifactId = jdbc.sql("SELECT id FROM artifacts WHERE sha256 = ?").param(sha256).query(Long.class).single();
        return jdbc.sql("""
                        INSERT INTO quants (model_id, name, ftype, recipe, artifact_id, size_bytes, bits_per_weight,
                                            tensor_types, origin, author)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'community', ?) RETURNING id""")
                .params(modelId, name, ftype, recipe, artifactId, bytes, bitsPerWeight,
                        MessageCodec.encodeToString(new java.util.TreeMap<>(tensorTypes)), author)
                .query(Long.class).single();
    }

    public String artifactPathOfSha256(String sha256) {
        return jdbc.sql("SELECT path FROM artifacts WHERE sha256 = ?").param(sha256).query(String.class).single();
    }

    /** Every quant of the model, a row per evaluation setting (latest evaluation each), biggest first. */
    public List<QuantRow> findByModel(long modelId) {
        return jdbc.sql("WITH " + LATEST_EVALUATIONS + """
                        SELECT q.*, a.path, a.sha256, l.* FROM quants q JOIN artifacts a ON a.id = q.artifact_id
                        LEFT JOIN latest l ON l.e_quant_id = q.id
                        WHERE q.model_id = ? ORDER BY q.bits_per_weight DESC, q.created_at, q.id, l.e_created_at""")
                .params(modelId, modelId)
                .query((rs, i) -> new QuantRow(rs.getLong("id"), rs.getObject("job_id", UUID.class),
                        rs.getString("name"), rs.getString("ftype"), rs.getString("recipe"), rs.getLong("size_bytes"),
                        rs.getDouble("bits_per_weight"), rs.getString("path"), rs.getString("sha256"),
                        rs.getString("origin"), rs.getString("author"), instant(rs, "created_at"), evaluation(rs)))
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
                (Long) rs.getObject("parameter_count"), rs.getString("origin"), rs.getString("author"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), Arrays.asList(tensors));
    }

    public Optional<QuantRow> findRow(long quantId) {
        return jdbc.sql("""
                        SELECT q.*, a.path, a.sha256 FROM quants q JOIN artifacts a ON a.id = q.artifact_id
                        WHERE q.id = ?""")
                .param(quantId)
                .query((rs, i) -> new QuantRow(rs.getLong("id"), rs.getObject("job_id", UUID.class),
                        rs.getString("name"), rs.getString("ftype"), rs.getString("recipe"), rs.getLong("size_bytes"),
                        rs.getDouble("bits_per_weight"), rs.getString("path"), rs.getString("sha256"),
                        rs.getString("origin"), rs.getString("author"), instant(rs, "created_at"), null))
                .optional();
    }

    /** The latest evaluations of the base model itself, one per setting. */
    public List<QuantRow.EvaluationSummary> baseEvaluations(long modelId) {
        return jdbc.sql("WITH " + LATEST_EVALUATIONS + " SELECT * FROM latest WHERE e_quant_id IS NULL ORDER BY e_created_at")
                .param(modelId).query((RowMapper<QuantRow.EvaluationSummary>) (rs, i) -> evaluation(rs)).list();
    }

    public long countForJob(UUID jobId) {
        return jdbc.sql("SELECT count(*) FROM quants WHERE job_id = ?").param(jobId).query(Long.class).single();
    }

    private static QuantRow.EvaluationSummary evaluation(ResultSet rs) throws SQLException {
        if (rs.getObject("e_id") == null) {
            return null;
        }
        return new QuantRow.EvaluationSummary(rs.getLong("e_id"), rs.getObject("e_job_id", UUID.class),
                rs.getString("e_dataset"), rs.getString("e_dataset_sha256"), rs.getInt("e_n_ctx"), rs.getInt("e_chunks"),
                (Integer) rs.getObject("e_expert_used_count"), rs.getBoolean("e_kl_divergence"),
                (Double) rs.getObject("e_ppl"), (Double) rs.getObject("e_ppl_error"),
                (Double) rs.getObject("e_mean_ln_ratio"), (Double) rs.getObject("e_mean_ln_ratio_error"),
                (Double) rs.getObject("e_kld_mean"), (Double) rs.getObject("e_kld_error"),
                (Double) rs.getObject("e_kld_median"), (Double) rs.getObject("e_kld_p99"),
                (Double) rs.getObject("e_kld_max"), (Double) rs.getObject("e_delta_p_rms"),
                (Double) rs.getObject("e_delta_p_rms_error"), (Double) rs.getObject("e_same_top_p"),
                (Double) rs.getObject("e_same_top_p_error"), (Double) rs.getObject("e_tokens_per_second"),
                rs.getString("e_tool_version"), rs.getString("e_imatrix_sha256"), rs.getString("e_base_logits_sha256"),
                instant(rs, "e_created_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
