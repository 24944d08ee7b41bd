package io.quantarena.jobs.evaluations;

import io.quantarena.contracts.EvaluateRequested;
import io.quantarena.contracts.Topics;
import io.quantarena.jobs.datasets.DatasetCatalog;
import io.quantarena.jobs.jobs.JobService;
import io.quantarena.jobs.jobs.JobType;
import io.quantarena.jobs.leaderboard.QuantRepository;
import io.quantarena.jobs.models.Model;
import io.quantarena.jobs.models.ModelRepository;
import io.quantarena.jobs.web.ApiException;
import org.springframework.stereotype.Service;

import java.util.LinkedHashMap;
import java.util.Map;

/** Validates evaluate requests and queues them for the eval-workers. */
@Service
public class EvaluationJobs {

    /** Chunk lengths accepted: at least 8 tokens (4 scored per chunk), at most 128 Ki. */
    static final int MIN_N_CTX = 8;
    static final int MAX_N_CTX = 131_072;

    private final JobService jobs;
    private final ModelRepository models;
    private final QuantRepository quants;
    private final DatasetCatalog datasets;

    public EvaluationJobs(JobService jobs, ModelRepository models, QuantRepository quants, DatasetCatalog datasets) {
        this.jobs = jobs;
        this.models = models;
        this.quants = quants;
        this.datasets = datasets;
    }

    /** The dataset and chunk length a request asks for, after defaults. */
    public record Settings(String dataset, int nCtx) {
    }

    /** Checks the measurement settings of {@code request} (not what it evaluates); 400 naming the field. */
    public Settings checkSettings(EvaluateJobRequest request) {
        String dataset = datasets.require(request.dataset() == null ? DatasetCatalog.DEFAULT_EVALUATION_TEXT : request.dataset()).name();
        int nCtx = request.nCtx() == null ? EvaluateJobRequest.DEFAULT_N_CTX : request.nCtx();
        if (nCtx < MIN_N_CTX || nCtx > MAX_N_CTX) {
            throw ApiException.invalidField("n_ctx", "n_ctx is " + nCtx + ", expected " + MIN_N_CTX + ".." + MAX_N_CTX, Map.of());
        }
        if (request.chunks() != null && request.chunks() < 1) {
            throw ApiException.invalidField("chunks", "chunks is " + request.chunks() + ", expected at least 1 (leave it out for all)", Map.of());
        }
        if (request.expertUsedCount() != null && request.expertUsedCount() < 1) {
            throw ApiException.invalidField("expert_used_count", "expert_used_count is " + request.expertUsedCount()
                    + ", expected at least 1", Map.of());
        }
        return new Settings(dataset, nCtx);
    }

    public JobService.Submitted submit(EvaluateJobRequest request, String idempotencyKey) {
        if (request == null) {
            throw ApiException.invalidField("body", "a JSON body with 'quant' (a quant id) or 'model' (a base model name) is required", Map.of());
        }
        Model model;
        QuantRepository.StoredQuant quant = null;
        if (request.quant() != null) {
            quant = quants.findStored(request.quant()).orElseThrow(() -> ApiException.notFound("Quant",
                    "no quant with id " + request.quant() + " (GET /api/leaderboard lists them)"));
            model = models.findById(quant.modelId()).orElseThrow();
            if (request.model() != null && !request.model().equals(model.name())) {
                throw ApiException.invalidField("quant", "quant " + request.quant() + " is a quant of '" + model.name()
                        + "', not of '" + request.model() + "'", Map.of());
            }
        } else {
            if (request.model() == null || request.model().isBlank()) {
                throw ApiException.invalidField("model", "'quant' (a quant id) or 'model' (a base model name, to evaluate the base model) is required", Map.of());
            }
            model = models.findByName(request.model()).orElseThrow(() -> ApiException.notFound("Model",
                    "no base model named '" + request.model() + "' (GET /api/models lists them)"));
        }
        Settings settings = checkSettings(request);
        String dataset = settings.dataset();
        int nCtx = settings.nCtx();
        boolean kld = Boolean.TRUE.equals(request.klDivergence());

        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("model", model.name());
        stored.put("quant", quant == null ? null : quant.id());
        stored.put("quantName", quant == null ? model.name() + " (base)" : quant.name());
        // the jobs list shows the evaluated model's ftype in its ftype column
        stored.put("ftype", quant == null ? "base" : quant.ftype());
        stored.put("dataset", dataset);
        stored.put("n_ctx", nCtx);
        stored.put("chunks", request.chunks());
        stored.put("kl_divergence", kld);
        stored.put("expert_used_count", request.expertUsedCount());
        String subjectPath = quant == null ? null : quant.artifactPath();
        Model base = model;
        return jobs.submit(JobType.EVALUATE, model, stored, idempotencyKey, Topics.EVALUATE_REQUESTS,
                id -> new EvaluateRequested(id, base.name(), base.fileName(), base.sha256(), subjectPath, dataset,
                        nCtx, request.chunks(), kld, request.expertUsedCount()));
    }
}
