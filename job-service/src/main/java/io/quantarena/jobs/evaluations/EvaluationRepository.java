package io.quantarena.jobs.evaluations;

import io.quantarena.contracts.StoredFile;
import io.quantarena.contracts.EvaluationOutcome;
import io.quantarena.contracts.KldStatistics;
import io.quantarena.contracts.MessageCodec;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

@Repository
public class EvaluationRepository {

    private final JdbcClient jdbc;

    public EvaluationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores the result of evaluate job {@code jobId} for the quant (or base model) its request named,
     * with the base-logits artifact it was measured against; a second call for the same job changes nothing.
     */
    public void record(UUID jobId, EvaluationOutcome o) {
        Long baseLogits = o.baseLogits() == null ? null : baseLogitsArtifact(o.baseLogits());
        KldStatistics k = o.kld();
        List<Object> p = new ArrayList<>();
        p.add(o.dataset());
        p.add(o.datasetSha256());
        p.add(o.nCtx());
        p.add(o.chunks());
        p.add(o.expertUsedCount());
        p.add(o.ppl());
        p.add(o.pplError());
        p.add(k == null ? null : k.kldMean());
        p.add(k == null ? null : k.kldMeanError());
        p.add(k == null ? null : k.kldP99());
        p.add(k == null ? null : k.deltaPMean());
        p.add(k == null ? null : k.deltaPRms());
        p.add(k == null ? null : k.sameTopP());
        p.add(o.tokensPerSecond());
        p.add(o.toolVersion());
        p.add(k != null);
        p.add(o.tokensScored());
        p.add(o.seconds());
        p.add(baseLogits);
        p.add(k == null ? null : k.pplBase());
        p.add(k == null ? null : k.pplBaseError());
        p.add(k == null ? null : k.corLnPpl());
        p.add(k == null ? null : k.meanLnRatio());
        p.add(k == null ? null : k.meanLnRatioError());
        p.add(k == null ? null : k.kldMedian());
        p.add(k == null ? null : k.kldMax());
        p.add(k == null ? null : k.deltaPMeanError());
        p.add(k == null ? null : k.deltaPRmsError());
        p.add(k == null ? null : k.sameTopPError());
        p.add(k == null ? null : MessageCodec.encodeToString(k));
        p.add(jobId);
        jdbc.sql("""
                        INSERT INTO evaluations (quant_id, model_id, job_id, imatrix_sha256,
                               dataset, dataset_sha256, n_ctx, chunks, expert_used_count, ppl, ppl_error,
                               kld_mean, kld_error, kld_p99, delta_p_mean, delta_p_rms, same_top_p,
                               tokens_per_second, tool_version, kl_divergence, tokens_scored, seconds,
                               base_logits_artifact_id, ppl_base, ppl_base_error, cor_ln_ppl, mean_ln_ratio,
                               mean_ln_ratio_error, kld_median, kld_max, delta_p_mean_error, delta_p_rms_error,
                               same_top_p_error, kld_report)
                        SELECT q.id, j.model_id, j.id, ia.sha256,
                               ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                               ?::jsonb
                        FROM jobs j
                        LEFT JOIN quants q ON q.id = (j.request->>'quant')::bigint
                        LEFT JOIN artifacts ia ON ia.id = q.imatrix_artifact_id
                        WHERE j.id = ?
                        ON CONFLICT (job_id) DO NOTHING""")
                .params(p).update();
    }

    /** The base-logits artifact row, created or refreshed (a file recomputed after deletion may differ in bytes). */
    private long baseLogitsArtifact(StoredFile a) {
        return jdbc.sql("""
                        INSERT INTO artifacts (kind, path, bytes, sha256) VALUES ('base-logits', ?, ?, ?)
                        ON CONFLICT (path) DO UPDATE SET bytes = EXCLUDED.bytes, sha256 = EXCLUDED.sha256
                        RETURNING id""")
                .params(a.path(), a.bytes(), a.sha256()).query(Long.class).single();
    }

    public long countForJob(UUID jobId) {
        return jdbc.sql("SELECT count(*) FROM evaluations WHERE job_id = ?").param(jobId).query(Long.class).single();
    }
}
