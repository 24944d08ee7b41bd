package io.quantarena.jobs.serve;

import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.ServeOutcome;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.Optional;
import java.util.UUID;

@Repository
public class ServeResultRepository {

    private final JdbcClient jdbc;

    public ServeResultRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a serve job's result; a second call for the same job changes nothing. */
    public void record(UUID jobId, ServeOutcome outcome) {
        jdbc.sql("""
                        INSERT INTO serve_results (job_id, model, prompts, prompt_tokens, completion_tokens, completions)
                        VALUES (?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (job_id) DO NOTHING""")
                .params(jobId, outcome.model(), outcome.completions().size(), outcome.promptTokens(),
                        outcome.completionTokens(), MessageCodec.encodeToString(outcome.completions()))
                .update();
    }

    /** The result as the API shows it: model, token totals and the completions. */
    public Optional<ServeJobResult> find(UUID jobId) {
        return jdbc.sql("SELECT model, prompt_tokens, completion_tokens, completions::text AS completions FROM serve_results WHERE job_id = ?")
                .param(jobId)
                .query((rs, i) -> new ServeJobResult(jobId, rs.getString("model"), rs.getLong("prompt_tokens"),
                        rs.getLong("completion_tokens"),
                        java.util.List.of(MessageCodec.decode(rs.getString("completions"), ServeOutcome.Completion[].class))))
                .optional();
    }
}
