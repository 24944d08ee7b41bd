package io.quantarena.jobs.jobs;

import io.quantarena.contracts.JobControl;
import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.QuantizeRequested;
import io.quantarena.contracts.Topics;
import io.quantarena.core.recipe.Ftype;
import io.quantarena.jobs.models.Model;
import io.quantarena.jobs.models.ModelRepository;
import io.quantarena.jobs.outbox.OutboxRepository;
import io.quantarena.jobs.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Creating and cancelling jobs: each change and its Kafka message are committed together (outbox). */
@Service
public class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);
    private static final int MAX_IDEMPOTENCY_KEY = 200;

    private final JobRepository jobs;
    private final ModelRepository models;
    private final OutboxRepository outbox;
    private final SupportedFtypes ftypes;
    private final TransactionTemplate tx;

    public JobService(JobRepository jobs, ModelRepository models, OutboxRepository outbox, SupportedFtypes ftypes,
                      TransactionTemplate tx) {
        this.jobs = jobs;
        this.models = models;
        this.outbox = outbox;
        this.ftypes = ftypes;
        this.tx = tx;
    }

    /** The job and whether it was created by this call (false: replay of an Idempotency-Key). */
    public record Submitted(Job job, boolean created) {
    }

    public Submitted submitQuantize(QuantizeJobRequest request, String idempotencyKey) {
        checkIdempotencyKey(idempotencyKey);
        ValidQuantize valid = validate(request);
        String requestJson = MessageCodec.encodeToString(Map.of("model", valid.model.name(), "ftype", valid.ftype.name()));
        if (idempotencyKey != null) {
            Optional<Submitted> replay = replay(idempotencyKey, requestJson);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        UUID id = UUID.randomUUID();
        try {
            tx.executeWithoutResult(status -> {
                jobs.insert(id, JobType.QUANTIZE, valid.model.id(), requestJson, idempotencyKey);
                QuantizeRequested message = new QuantizeRequested(id, valid.model.name(), valid.model.fileName(),
                        valid.ftype.name());
                outbox.add(Topics.QUANTIZE_REQUESTS, id.toString(), MessageCodec.encodeToString(message));
            });
        } catch (DuplicateKeyException e) {
            // the same key raced us: answer with the job it created
            return replay(idempotencyKey, requestJson).orElseThrow(() -> e);
        }
        log.info("job {} queued: quantize {} to {}", id, valid.model.name(), valid.ftype.name());
        return new Submitted(jobs.findById(id).orElseThrow(), true);
    }

    /** Cancels a queued or running job; cancelling a cancelled job again is a no-op. */
    public Job cancel(UUID id, String idempotencyKey) {
        checkIdempotencyKey(idempotencyKey);
        tx.executeWithoutResult(status -> {
            JobStatus current = jobs.lockStatus(id)
                    .orElseThrow(() -> ApiException.notFound("Job", "no job with id " + id));
            switch (current) {
                case CANCELLED -> {
                }
                case SUCCEEDED, FAILED -> throw ApiException.conflict("job " + id + " already finished as " + current
                        + " and cannot be cancelled");
                case QUEUED, RUNNING -> {
                    jobs.finish(id, JobStatus.CANCELLED, "cancelled", null);
                    outbox.add(Topics.JOB_CONTROL, id.toString(),
                            MessageCodec.encodeToString(new JobControl(id, JobControl.Action.CANCEL)));
                    log.info("job {} cancelled (was {})", id, current);
                }
            }
        });
        return jobs.findById(id).orElseThrow();
    }

    /**
     * Creates a job of {@code type} on {@code model} and the message that asks a worker for it, in one
     * transaction; the same Idempotency-Key with the same request answers the job created before.
     *
     * @param request the request as stored on the job (compared on replay)
     * @param message the message for {@code topic}, given the new job's id
     */
    public Submitted submit(JobType type, Model model, Map<String, Object> request, String idempotencyKey, String topic,
                            java.util.function.Function<UUID, Object> message) {
        checkIdempotencyKey(idempotencyKey);
        String requestJson = MessageCodec.encodeToString(request);
        if (idempotencyKey != null) {
            Optional<Submitted> replay = replay(idempotencyKey, requestJson);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        UUID id = UUID.randomUUID();
        try {
            tx.executeWithoutResult(status -> {
                jobs.insert(id, type, model.id(), requestJson, idempotencyKey);
                outbox.add(topic, id.toString(), MessageCodec.encodeToString(message.apply(id)));
            });
        } catch (DuplicateKeyException e) {
            return replay(idempotencyKey, requestJson).orElseThrow(() -> e);
        }
        log.info("job {} queued: {} {} {}", id, type, model.name(), requestJson);
        return new Submitted(jobs.findById(id).orElseThrow(), true);
    }

    private Optional<Submitted> replay(String key, String requestJson) {
        return jobs.findByIdempotencyKey(key).map(existing -> {
            if (!sameRequest(existing.requestJson(), requestJson)) {
                throw new ApiException(org.springframework.http.HttpStatus.UNPROCESSABLE_CONTENT,
                        "Idempotency-Key reused", "Idempotency-Key '" + key + "' was used for job " + existing.id()
                        + " with a different request " + existing.requestJson(), Map.of("field", "Idempotency-Key"));
            }
            return new Submitted(jobs.findById(existing.id()).orElseThrow(), false);
        });
    }

    private static boolean sameRequest(String storedJson, String requestJson) {
        // jsonb normalises the text, so compare the decoded values
        return Objects.equals(MessageCodec.decode(storedJson, Map.class), MessageCodec.decode(requestJson, Map.class));
    }

    private record ValidQuantize(Model model, Ftype ftype) {
    }

    private ValidQuantize validate(QuantizeJobRequest request) {
        if (request == null) {
            throw ApiException.invalidField("body", "a JSON body with 'model' and 'ftype' is required", Map.of());
        }
        if (request.model() == null || request.model().isBlank()) {
            throw ApiException.invalidField("model", "'model' is required: the name of a registered base model (GET /api/models)", Map.of());
        }
        if (request.ftype() == null || request.ftype().isBlank()) {
            throw ApiException.invalidField("ftype", "'ftype' is required; allowed: " + String.join(", ", ftypes.names()),
                    Map.of("allowed", ftypes.names()));
        }
        Ftype ftype = ftypes.find(request.ftype()).orElseThrow(() -> ApiException.invalidField("ftype",
                "unknown or unsupported ftype '" + request.ftype() + "'; allowed: " + String.join(", ", ftypes.names()),
                Map.of("allowed", ftypes.names())));
        Model model = models.findByName(request.model()).orElseThrow(() -> ApiException.notFound("Model",
                "no base model named '" + request.model() + "' (GET /api/models lists them)"));
        return new ValidQuantize(model, ftype);
    }

    private static void checkIdempotencyKey(String key) {
        if (key != null && (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY)) {
            throw ApiException.invalidField("Idempotency-Key", "the Idempotency-Key header must be 1.."
                    + MAX_IDEMPOTENCY_KEY + " characters", Map.of());
        }
    }
}
