package io.quantarena.jobs.jobs;

import io.quantarena.contracts.ArtifactRef;
import io.quantarena.contracts.QuantRecipe;
import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixFiles;
import io.quantarena.core.recipe.CustomQuantRule;
import io.quantarena.core.recipe.KvOverride;
import io.quantarena.core.recipe.ModelQuantizer;
import io.quantarena.core.recipe.QuantPlan;
import io.quantarena.core.recipe.Recipe;
import io.quantarena.core.recipe.RecipeException;
import io.quantarena.core.recipe.RecipeSetting;
import io.quantarena.core.recipe.TensorTypePlanner;
import io.quantarena.core.recipe.TypeOption;
import io.quantarena.core.tensor.GgmlType;
import io.quantarena.jobs.directories.Directories;
import io.quantarena.jobs.imatrix.ImatrixRepository;
import io.quantarena.jobs.imatrix.ImatrixRow;
import io.quantarena.jobs.models.Model;
import io.quantarena.jobs.models.ModelRepository;
import io.quantarena.jobs.web.ApiException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a quantize request with core's recipe parser and planner before anything is queued: every
 * rule and type name parses, the ftype's mixture plus the rules can be planned for the model (an
 * i-quant gets the importance data it needs), and this build can encode every type the plan
 * chooses. Refusals are 400 problems naming the field, the rule and the reason; what llama-quantize
 * would only warn about (a rule that matches nothing, fallback types) comes back as warnings.
 */
@Component
public class QuantizeRequestValidator {

    /** A request that can run, normalised. */
    public record ValidQuantize(Model model, QuantRecipe recipe, ImatrixRow imatrix, QuantPlan plan, List<String> warnings) {

        public ArtifactRef imatrixRef() {
            return imatrix == null ? null : new ArtifactRef(imatrix.artifactId(), imatrix.path(), imatrix.sha256());
        }

        /** The request as stored with the job (and compared for Idempotency-Key replays): only what was asked for. */
        public Map<String, Object> requestJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.name());
            m.put("ftype", recipe.ftype());
            if (!recipe.customQ().isEmpty()) {
                m.put("custom_q", recipe.customQ());
            }
            if (recipe.tokenEmbeddingType() != null) {
                m.put("token_embedding_type", recipe.tokenEmbeddingType());
            }
            if (recipe.outputTensorType() != null) {
                m.put("output_tensor_type", recipe.outputTensorType());
            }
            if (recipe.pure()) {
                m.put("pure", true);
            }
            if (!recipe.overrideKv().isEmpty()) {
                m.put("override_kv", recipe.overrideKv());
            }
            if (imatrix != null) {
                m.put("imatrix", Map.of("id", imatrix.artifactId(), "path", imatrix.path()));
            }
            return m;
        }
    }

    private final ModelRepository models;
    private final ImatrixRepository imatrices;
    private final SupportedFtypes ftypes;
    private final Path modelsDir;
    private final Path storeDir;

    public QuantizeRequestValidator(ModelRepository models, ImatrixRepository imatrices, SupportedFtypes ftypes,
                                    Directories directories) {
        this.models = models;
        this.imatrices = imatrices;
        this.ftypes = ftypes;
        this.modelsDir = directories.models();
        this.storeDir = directories.store();
    }

    public ValidQuantize validate(QuantizeJobRequest request) {
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
        LlamaFileType ftype = ftypes.find(request.ftype()).orElseThrow(() -> {
            String reason = LlamaFileType.isQuantizeName(request.ftype())
                    ? "not an ftype this build can quantize to (no encoder for its base type "
                    + LlamaFileType.fromQuantizeName(request.ftype()).baseType().typeName() + ")"
                    : "unknown ftype";
            return ApiException.invalidField("ftype", "ftype '" + request.ftype() + "': " + reason + "; allowed: "
                    + String.join(", ", ftypes.names()), Map.of("allowed", ftypes.names(), "rule", request.ftype(), "reason", reason));
        });

        Recipe recipe = Recipe.of(ftype);
        List<String> rules = new ArrayList<>();
        for (String value : request.customQ() == null ? List.<String>of() : request.customQ()) {
            if (value == null) {
                throw ApiException.invalidField("custom_q", "custom_q holds a null rule; expected strings regex=type", Map.of());
            }
            if (value.isBlank()) {
                continue;
            }
            for (String rule : value.split(",", -1)) {
                try {
                    CustomQuantRule.parse(rule);
                } catch (RecipeException e) {
                    throw refused(e, null);
                }
                recipe = recipe.withCustomRules(rule);
                rules.add(rule);
            }
        }
        GgmlType tokenEmbedding = typeOption(request.tokenEmbeddingType(), TypeOption.TOKEN_EMBEDDING);
        if (tokenEmbedding != null) {
            recipe = recipe.withType(TypeOption.TOKEN_EMBEDDING, tokenEmbedding);
        }
        GgmlType output = typeOption(request.outputTensorType(), TypeOption.OUTPUT);
        if (output != null) {
            recipe = recipe.withType(TypeOption.OUTPUT, output);
        }
        List<String> overrides = request.overrideKv() == null ? List.of() : request.overrideKv();
        for (String kv : overrides) {
            try {
                recipe = recipe.withOverride(KvOverride.parse(kv == null ? "" : kv));
            } catch (RecipeException e) {
                throw refused(e, null);
            }
        }
        boolean pure = Boolean.TRUE.equals(request.pure());
        if (pure) {
            recipe = recipe.withFlag(Recipe.Flag.PURE);
        }

        Model model = models.findByName(request.model()).orElseThrow(() -> ApiException.notFound("Model",
                "no base model named '" + request.model() + "' (GET /api/models lists them)"));
        ImatrixRow imatrixRow = null;
        Imatrix imatrix = null;
        List<String> warnings = new ArrayList<>();
        if (request.imatrix() != null && !request.imatrix().isBlank()) {
            imatrixRow = imatrices.find(request.imatrix()).orElseThrow(() -> ApiException.invalidField("imatrix",
                    "no importance matrix '" + request.imatrix() + "' in the store (GET /api/imatrices lists them by artifactId and path;"
                            + " POST /api/jobs/imatrix computes one)", Map.of("rule", request.imatrix(), "reason", "unknown imatrix")));
            if (!imatrixRow.model().equals(model.name())) {
                warnings.add("imatrix " + imatrixRow.path() + " was computed for " + imatrixRow.model() + ", not " + model.name());
            }
            try {
                imatrix = ImatrixFiles.read(storeDir.resolve(imatrixRow.path()));
            } catch (IOException e) {
                throw ApiException.invalidField("imatrix", "importance matrix " + imatrixRow.path() + " cannot be read from the store: "
                        + e.getMessage(), Map.of("rule", request.imatrix(), "reason", "unreadable"));
            }
        }

        QuantPlan plan;
        try (GgufFile in = GgufFile.open(modelsDir.resolve(model.fileName()))) {
            plan = TensorTypePlanner.plan(in, recipe, imatrix);
            new ModelQuantizer().requireExecutable(plan);
        } catch (RecipeException e) {
            throw refused(e, imatrix);
        } catch (UnsupportedOperationException e) {
            throw ApiException.invalidField("ftype", e.getMessage(), Map.of("rule", ftype.quantizeName(), "reason", e.getMessage()));
        } catch (IOException e) {
            throw new IllegalStateException("base model " + model.name() + " cannot be read from " + modelsDir + ": " + e.getMessage(), e);
        }
        warnings.addAll(plan.warnings());
        QuantRecipe normalised = new QuantRecipe(ftype.quantizeName(), rules, tokenEmbedding == null ? null : tokenEmbedding.typeName(),
                output == null ? null : output.typeName(), pure, overrides);
        return new ValidQuantize(model, normalised, imatrixRow, plan, warnings);
    }

    /** A type option's value, checked as llama-quantize parses it (exact ggml type name). */
    private static GgmlType typeOption(String value, TypeOption option) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return CustomQuantRule.exactType(value);
        } catch (IllegalArgumentException e) {
            throw refused(new RecipeException(new RecipeSetting(option.cliName(), value), e.getMessage()), null);
        }
    }

    private static ApiException refused(RecipeException e, Imatrix imatrix) {
        String field = field(e.option());
        String reason = e.reason();
        if (imatrix == null && reason.contains("importance")) {
            reason += " (give 'imatrix': an importance matrix of the store, GET /api/imatrices; POST /api/jobs/imatrix computes one)";
        }
        String detail = field + (field.equals("ftype") ? " " : " rule ") + "'" + e.rule() + "': " + reason;
        return ApiException.invalidField(field, detail, Map.of("rule", e.rule(), "reason", reason));
    }

    /** The request member for a recipe option: {@code --custom-q} is {@code custom_q}, and so on. */
    static String field(String option) {
        return switch (option) {
            case RecipeSetting.FTYPE -> "ftype";
            case RecipeSetting.IMATRIX -> "imatrix";
            default -> option.replaceFirst("^--", "").replace('-', '_');
        };
    }
}
