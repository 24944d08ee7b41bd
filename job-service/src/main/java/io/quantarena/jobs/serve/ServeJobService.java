package io.quantarena.jobs.serve;

import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.ServeRequested;
import io.quantarena.contracts.ServeSettings;
import io.quantarena.contracts.Topics;
import io.quantarena.jobs.jobs.JobRepository;
import io.quantarena.jobs.jobs.JobService;
import io.quantarena.jobs.jobs.JobType;
import io.quantarena.jobs.outbox.OutboxRepository;
import io.quantarena.jobs.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Creating serve jobs: the job row and its serve.requests message are committed together (outbox). */
@Service
public class ServeJobService {

    private static final Logger log = LoggerFactory.getLogger(ServeJobService.class);
    static final int MAX_PROMPTS = 1000;
    static final int MAX_TOKENS = 4096;
    private static final int MAX_STOPS = 4;

    private final JobRepository jobs;
    private final OutboxRepository outbox;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    public ServeJobService(JobRepository jobs, OutboxRepository outbox, JdbcClient jdbc, TransactionTemplate tx) {
        this.jobs = jobs;
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.tx = tx;
    }

    public JobService.Submitted submit(ServeJobRequest request, String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw ApiException.invalidField("Idempotency-Key", "the Idempotency-Key header must be 1..200 characters", Map.of());
        }
        Valid valid = validate(request);
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("model", request.model());
        stored.put("prompts", valid.prompts);
        stored.put("settings", valid.settings);
        String requestJson = MessageCodec.encodeToString(stored);
        if (idempotencyKey != null) {
            Optional<JobService.Submitted> replay = replay(idempotencyKey, requestJson);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        UUID id = UUID.randomUUID();
        try {
            tx.executeWithoutResult(status -> {
                jobs.insert(id, JobType.SERVE, valid.modelId, requestJson, idempotencyKey, java.util.List.of());
                outbox.add(Topics.SERVE_REQUESTS, id.toString(), MessageCodec.encodeToString(
                        new ServeRequested(id, request.model(), valid.prompts, valid.settings)));
            });
        } catch (DuplicateKeyException e) {
            return replay(idempotencyKey, requestJson).orElseThrow(() -> e);
        }
        log.info("job {} queued: serve {} prompts with {}", id, valid.prompts.size(), request.model());
        return new JobService.Submitted(jobs.findById(id).orElseThrow(), true);
    }

    private Optional<JobService.Submitted> replay(String key, String requestJson) {
        return jobs.findByIdempotencyKey(key).map(existing -> {
            if (!Objects.equals(MessageCodec.decode(existing.requestJson(), Map.class), MessageCodec.decode(requestJson, Map.class))) {
                throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused", "Idempotency-Key '"
                        + key + "' was used for job " + existing.id() + " with a different request", Map.of("field", "Idempotency-Key"));
            }
            return new JobService.Submitted(jobs.findById(existing.id()).orElseThrow(), false);
        });
    }

    private record Valid(long modelId, List<String> prompts, ServeSettings settings) {
    }

    private Valid validate(ServeJobRequest r) {
        if (r == null) {
            throw ApiException.invalidField("body", "a JSON body with 'model' and 'prompts' is required", Map.of());
        }
        if (r.model() == null || r.model().isBlank()) {
            throw ApiException.invalidField("model", "'model' is required: a registered base model (GET /api/models) or a produced quant", Map.of());
        }
        if (r.prompts() == null || r.prompts().isEmpty() || r.prompts().size() > MAX_PROMPTS) {
            throw ApiException.invalidField("prompts", "'prompts' must be a list of 1.." + MAX_PROMPTS + " prompts", Map.of());
        }
        for (int i = 0; i < r.prompts().size(); i++) {
            if (r.prompts().get(i) == null || r.prompts().get(i).isEmpty()) {
                throw ApiException.invalidField("prompts", "prompt " + i + " is empty", Map.of());
            }
        }
        int maxTokens = r.maxTokens() == null ? 128 : r.maxTokens();
        if (maxTokens < 1 || maxTokens > MAX_TOKENS) {
            throw ApiException.invalidField("max_tokens", "'max_tokens' is " + maxTokens + ", expected 1.." + MAX_TOKENS, Map.of());
        }
        double temperature = r.temperature() == null ? 0.8 : r.temperature();
        if (temperature < 0 || temperature > 2) {
            throw ApiException.invalidField("temperature", "'temperature' is " + temperature + ", expected 0..2 (0 = greedy)", Map.of());
        }
        double topP = r.topP() == null ? 0.95 : r.topP();
        if (!(topP > 0 && topP <= 1)) {
            throw ApiException.invalidField("top_p", "'top_p' is " + topP + ", expected (0, 1]", Map.of());
        }
        if (r.stop() != null && (r.stop().size() > MAX_STOPS || r.stop().stream().anyMatch(s -> s == null || s.isEmpty()))) {
            throw ApiException.invalidField("stop", "'stop' must be up to " + MAX_STOPS + " non-empty strings", Map.of());
        }
        long modelId = modelId(r.model()).orElseThrow(() -> ApiException.notFound("Model", "no base model or quant named '"
                + r.model() + "' (GET /api/models and /api/leaderboard list them)"));
        return new Valid(modelId, List.copyOf(r.prompts()), new ServeSettings(maxTokens, temperature, topP, r.seed(),
                r.stop(), Boolean.TRUE.equals(r.chat())));
    }

    /** The base model behind a name: a registered base model, or the base of a produced quant. */
    private Optional<Long> modelId(String name) {
        Optional<Long> base = jdbc.sql("SELECT id FROM models WHERE name = ?").param(name).query(Long.class).optional();
        if (base.isPresent()) {
            return base;
        }
        return jdbc.sql("SELECT model_id FROM quants WHERE name = ? ORDER BY created_at DESC LIMIT 1").param(name)
                .query(Long.class).optional();
    }
}
