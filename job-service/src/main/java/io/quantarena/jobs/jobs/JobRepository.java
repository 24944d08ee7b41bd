package io.quantarena.jobs.jobs;

import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.ProgressDetail;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

@Repository
public class JobRepository {

    private static final String SELECT = """
            SELECT j.*, m.name AS model_name, j.request->>'ftype' AS ftype, j.request::text AS request_json,
                   j.progress_detail::text AS detail_json, j.warnings::text AS warnings_json,
                   (SELECT q.id FROM quants q WHERE q.job_id = j.id) AS quant_id,
                   (SELECT i.artifact_id FROM imatrices i WHERE i.job_id = j.id) AS imatrix_artifact_id
            FROM jobs j LEFT JOIN models m ON m.id = j.model_id
            """;

    private static final RowMapper<Job> ROW = (rs, i) -> new Job(rs.getObject("id", UUID.class),
            JobType.valueOf(rs.getString("type")), JobStatus.valueOf(rs.getString("status")),
            rs.getString("model_name"), rs.getString("ftype"), json(rs.getString("request_json"), Map.class),
            rs.getDouble("progress"), rs.getString("stage"), json(rs.getString("detail_json"), ProgressDetail.class),
            rs.getString("error"), json(rs.getString("warnings_json"), List.class), (Long) rs.getObject("quant_id"),
            (Long) rs.getObject("imatrix_artifact_id"), instant(rs, "created_at"), instant(rs, "updated_at"),
            instant(rs, "started_at"), instant(rs, "finished_at"));

    private final JdbcClient jdbc;

    public JobRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(UUID id, JobType type, long modelId, String requestJson, String idempotencyKey, List<String> warnings) {
        jdbc.sql("""
                        INSERT INTO jobs (id, type, status, model_id, request, idempotency_key, warnings)
                        VALUES (?, ?, 'QUEUED', ?, ?::jsonb, ?, ?::jsonb)""")
                .params(id, type.name(), modelId, requestJson, idempotencyKey, MessageCodec.encodeToString(warnings))
                .update();
    }

    public Optional<Job> findById(UUID id) {
        return jdbc.sql(SELECT + " WHERE j.id = ?").param(id).query(ROW).optional();
    }

    /** The job row locked for the rest of the transaction. */
    public Optional<JobStatus> lockStatus(UUID id) {
        return jdbc.sql("SELECT status FROM jobs WHERE id = ? FOR UPDATE").param(id)
                .query((rs, i) -> JobStatus.valueOf(rs.getString(1))).optional();
    }

    /** The job created with {@code key} and the request it was created from. */
    public Optional<IdempotentJob> findByIdempotencyKey(String key) {
        return jdbc.sql("SELECT id, request::text AS request FROM jobs WHERE idempotency_key = ?").param(key)
                .query((rs, i) -> new IdempotentJob(rs.getObject("id", UUID.class), rs.getString("request")))
                .optional();
    }

    public List<Job> find(JobStatus status, JobType type, int limit) {
        StringBuilder sql = new StringBuilder(SELECT).append(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (status != null) {
            sql.append(" AND j.status = ?");
            params.add(status.name());
        }
        if (type != null) {
            sql.append(" AND j.type = ?");
            params.add(type.name());
        }
        sql.append(" ORDER BY j.created_at DESC, j.id LIMIT ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(ROW).list();
    }

    public void markRunning(UUID id, Instant at) {
        jdbc.sql("""
                        UPDATE jobs SET status = 'RUNNING', started_at = COALESCE(started_at, ?), updated_at = now()
                        WHERE id = ?""")
                .params(OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC), id).update();
    }

    public void updateProgress(UUID id, double fraction, String stage, ProgressDetail detail) {
        jdbc.sql("UPDATE jobs SET progress = ?, stage = ?, progress_detail = COALESCE(?::jsonb, progress_detail), updated_at = now() WHERE id = ?")
                .params(Math.clamp(fraction, 0.0, 1.0), stage, detail == null ? null : MessageCodec.encodeToString(detail), id).update();
    }

    /** The request a job was created from (its JSON object). */
    public Optional<Map<String, Object>> request(UUID id) {
        return jdbc.sql("SELECT request::text FROM jobs WHERE id = ?").param(id).query(String.class).optional()
                .map(j -> json(j, Map.class));
    }

    public void finish(UUID id, JobStatus status, String stage, String error) {
        jdbc.sql("""
                        UPDATE jobs SET status = ?, stage = COALESCE(?, stage), error = ?, finished_at = now(),
                               updated_at = now(), progress = CASE WHEN ? = 'SUCCEEDED' THEN 1 ELSE progress END
                        WHERE id = ?""")
                .params(status.name(), stage, error, status.name(), id).update();
    }

    public List<JobEventView> events(UUID jobId) {
        return jdbc.sql("SELECT * FROM job_events WHERE job_id = ? ORDER BY seq").param(jobId)
                .query((rs, i) -> new JobEventView(rs.getObject("event_id", UUID.class), rs.getString("type"),
                        instant(rs, "at"), (Double) rs.getObject("fraction"), rs.getString("stage"),
                        rs.getString("message"), json(rs.getString("detail"), ProgressDetail.class), rs.getBoolean("applied"),
                        metrics(rs.getString("metrics"))))
                .list();
    }

    /** Stores an event once; false when this event id was stored before. */
    public boolean insertEventOnce(UUID eventId, UUID jobId, String type, Instant at, Double fraction, String stage,
                                   String message, ProgressDetail detail, boolean applied) {
        return jdbc.sql("""
                        INSERT INTO job_events (event_id, job_id, type, at, fraction, stage, message, detail, applied)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (event_id) DO NOTHING""")
                .params(eventId, jobId, type, OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC), fraction,
                        stage, message, detail == null ? null : MessageCodec.encodeToString(detail), applied)
                .update() == 1;
    }

    @SuppressWarnings("unchecked")
    private static <T> T json(String text, Class<?> type) {
        return text == null ? null : (T) MessageCodec.decode(text, type);
    }

    /**
     * Keeps an event's running numbers (chunks done, running perplexity) with the event and, when the
     * event applies, as the job's latest.
     */
    public void attachMetrics(UUID eventId, UUID jobId, String metricsJson, boolean onJobToo) {
        jdbc.sql("UPDATE job_events SET metrics = ?::jsonb WHERE event_id = ?").params(metricsJson, eventId).update();
        if (onJobToo) {
            jdbc.sql("UPDATE jobs SET metrics = ?::jsonb WHERE id = ?").params(metricsJson, jobId).update();
        }
    }

    /** The job's latest running numbers, empty when it reported none. */
    public java.util.Map<String, Object> metrics(UUID jobId) {
        return metrics(jdbc.sql("SELECT metrics::text FROM jobs WHERE id = ?").param(jobId).query(String.class)
                .optional().orElse(null));
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> metrics(String json) {
        return json == null ? java.util.Map.of() : io.quantarena.contracts.MessageCodec.decode(json, java.util.Map.class);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    public record IdempotentJob(UUID id, String requestJson) {
    }
}
