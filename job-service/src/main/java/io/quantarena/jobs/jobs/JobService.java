package io.quantarena.jobs.jobs;

import io.quantarena.contracts.JobControl;
import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.QuantizeRequested;
import io.quantarena.contracts.Topics;
import io.quantarena.contracts.ImatrixRequested;
import io.quantarena.jobs.datasets.DatasetCatalog;
import io.quantarena.jobs.models.Model;
import io.quantarena.jobs.models.ModelRepository;
import io.quantarena.jobs.outbox.OutboxRepository;
import io.quantarena.jobs.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Creating and cancelling jobs: each change and its Kafka message are committed together (outbox). */
@Service
public class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);
    private static final int MAX_IDEMPOTENCY_KEY = 200;
    /** llama-imatrix's default context. */
    static final int DEFAULT_N_CTX = 512;
    /** Shorter products are not collected (llama-imatrix needs 16 tokens per product). */
    static final int MIN_N_CTX = 16;
    static final int MAX_N_CTX = 32768;

    private final JobRepository jobs;
    private final ModelRepository models;
    private final OutboxRepository outbox;
    private final QuantizeRequestValidator validator;
    private final DatasetCatalog datasets;
    private final TransactionTemplate tx;

    public JobService(JobRepository jobs, ModelRepository models, OutboxRepository outbox, QuantizeRequestValidator validator,
                      DatasetCatalog datasets, TransactionTemplate tx) {
        this.jobs = jobs;
        this.models = models;
        this.outbox = outbox;
        this.validator = validator;
        this.datasets = datasets;
        this.tx = tx;
    }

    /** The job and whether it was created by this call (false: replay of an Idempotency-Key). */
    public record Submitted(Job job, boolean created) {
    }

    public Submitted submitQuantize(QuantizeJobRequest request, String idempotencyKey) {
        checkIdempotencyKey(idempotencyKey);
        QuantizeRequestValidator.ValidQuantize valid = validator.validate(request);
        String requestJson = MessageCodec.encodeToString(valid.requestJson());
        return submit(JobType.QUANTIZE, valid.model(), requestJson, idempotencyKey, valid.warnings(), id -> {
            QuantizeRequested message = new QuantizeRequested(id, valid.model().name(), valid.model().fileName(), valid.recipe(),
                    valid.imatrixRef());
            outbox.add(Topics.QUANTIZE_REQUESTS, id.toString(), MessageCodec.encodeToString(message));
            log.info("job {} queued: quantize {} with {}{}", id, valid.model().name(), valid.plan().recipe().text(),
                    valid.imatrix() == null ? "" : " and imatrix " + valid.imatrix().path());
        });
    }

    public Submitted submitImatrix(ImatrixJobRequest request, String idempotencyKey) {
        checkIdempotencyKey(idempotencyKey);
        if (request == null) {
            throw ApiException.invalidField("body", "a JSON body with 'model' and 'dataset' is required", Map.of());
        }
        if (request.model() == null || request.model().isBlank()) {
            throw ApiException.invalidField("model", "'model' is required: the name of a registered base model (GET /api/models)", Map.of());
        }
        if (request.dataset() == null || request.dataset().isBlank()) {
            List<String> datasetNames = datasets.names();
            throw ApiException.invalidField("dataset", "'dataset' is required: a calibration text file name; available: "
                    + String.join(", ", datasetNames), Map.of("allowed", datasetNames));
        }
        DatasetCatalog.Dataset dataset = datasets.require(request.dataset());
        int nCtx = request.nCtx() == null ? DEFAULT_N_CTX : request.nCtx();
        if (nCtx < MIN_N_CTX || nCtx > MAX_N_CTX) {
            throw ApiException.invalidField("n_ctx", "n_ctx must be " + MIN_N_CTX + ".." + MAX_N_CTX + ", got " + nCtx, Map.of());
        }
        if (request.chunks() != null && request.chunks() < 1) {
            throw ApiException.invalidField("chunks", "chunks must be at least 1 (leave it out for the whole text), got " + request.chunks(),
                    Map.of());
        }
        Model model = models.findByName(request.model()).orElseThrow(() -> ApiException.notFound("Model",
                "no base model named '" + request.model() + "' (GET /api/models lists them)"));
        Map<String, Object> normalised = new java.util.LinkedHashMap<>();
        normalised.put("model", model.name());
        normalised.put("dataset", dataset.name());
        normalised.put("n_ctx", nCtx);
        if (request.chunks() != null) {
            normalised.put("chunks", request.chunks());
        }
        String requestJson = MessageCodec.encodeToString(normalised);
        return submit(JobType.IMATRIX, model, requestJson, idempotencyKey, List.of(), id -> {
            ImatrixRequested message = new ImatrixRequested(id, model.name(), model.fileName(), dataset.name(), nCtx, request.chunks());
            outbox.add(Topics.IMATRIX_REQUESTS, id.toString(), MessageCodec.encodeToString(message));
            log.info("job {} queued: imatrix of {} on {} (n_ctx {})", id, model.name(), dataset.name(), nCtx);
        });
    }

    /** Inserts the job and its request message in one transaction, or replays the job of the same Idempotency-Key. */
    private Submitted submit(JobType type, Model model, String requestJson, String idempotencyKey, List<String> warnings,
                             java.util.function.Consumer<UUID> enqueue) {
        if (idempotencyKey != null) {
            Optional<Submitted> replay = replay(idempotencyKey, requestJson);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        UUID id = UUID.randomUUID();
        try {
            tx.executeWithoutResult(status -> {
                jobs.insert(id, type, model.id(), requestJson, idempotencyKey, warnings);
                enqueue.accept(id);
            });
        } catch (DuplicateKeyException e) {
            // the same key raced us: answer with the job it created
            return replay(idempotencyKey, requestJson).orElseThrow(() -> e);
        }
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
        return submit(type, model, requestJson, idempotencyKey, List.of(), id -> {
            outbox.add(topic, id.toString(), MessageCodec.encodeToString(message.apply(id)));
            log.info("job {} queued: {} {} {}", id, type, model.name(), requestJson);
        });
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

    private static void checkIdempotencyKey(String key) {
        if (key != null && (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY)) {
            throw ApiException.invalidField("Idempotency-Key", "the Idempotency-Key header must be 1.."
                    + MAX_IDEMPOTENCY_KEY + " characters", Map.of());
        }
    }
}
