package io.quantarena.quantworker;

import io.quantarena.contracts.CancelledJobs;
import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.QuantOutcome;
import io.quantarena.contracts.QuantizeRequested;
import io.quantarena.contracts.TensorRow;
import io.quantarena.contracts.files.FileSha256;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixFiles;
import io.quantarena.core.recipe.PlannedTensor;
import io.quantarena.core.recipe.QuantizeJob;
import io.quantarena.core.recipe.Recipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs one quantize request with core's recipe engine: the ftype's per-tensor mixture, custom rules,
 * type options and the importance matrix, writing under a temporary name, then renaming the file to
 * {@code quants/<model>/<model>-<FTYPE>-<sha256 prefix>.gguf}. A redelivered request whose output is
 * still stored gets the same result without redoing the work.
 */
@Component
public class QuantizeJobRunner {

    private static final Logger log = LoggerFactory.getLogger(QuantizeJobRunner.class);

    private final ModelQuantization quantization;
    private final ModelStore store;
    private final JobEventPublisher publisher;
    private final CancelledJobs cancellations;
    private final CompletedJobs completed;
    private final JobLifecycle lifecycle;
    private final int threads;

    public QuantizeJobRunner(ModelQuantization quantization, ModelStore store, JobEventPublisher publisher,
                             CancelledJobs cancellations, CompletedJobs completed, JobLifecycle lifecycle,
                             QuantWorkerProperties properties) {
        this.quantization = quantization;
        this.store = store;
        this.publisher = publisher;
        this.cancellations = cancellations;
        this.completed = completed;
        this.lifecycle = lifecycle;
        this.threads = properties.threads();
    }

    public void run(QuantizeRequested request) {
        lifecycle.run(request.jobId(), "quantize", () -> JobEvent.succeeded(request.jobId(), quantize(request)));
    }

    private QuantOutcome quantize(QuantizeRequested request) throws Exception {
        Optional<QuantOutcome> earlier = completed.find(request.jobId(), QuantOutcome.class, QuantOutcome::artifactPath,
                QuantOutcome::sha256);
        if (earlier.isPresent()) {
            log.info("job {} was done before: reusing {}", request.jobId(), earlier.get().artifactPath());
            return earlier.get();
        }
        Recipe recipe = Recipes.toCore(request.recipe());
        Path input = store.baseModel(request.modelFile());
        Imatrix imatrix = null;
        if (request.imatrix() != null) {
            Path file = store.verifiedArtifact(request.imatrix().path(), request.imatrix().sha256());
            imatrix = ImatrixFiles.read(file);
        }
        Path temporary = store.temporaryOutput(request.jobId(), "gguf");
        log.info("job {}: quantizing {} with {}{}", request.jobId(), input, recipe.text(),
                imatrix == null ? "" : " and imatrix " + request.imatrix().path());
        ModelQuantization.Quantized q = quantization.quantize(new QuantizeJob(input, temporary, recipe, imatrix, threads),
                new QuantizeProgressReporter(request.jobId(), publisher, cancellations, ProgressThrottle.standard()));
        String sha256 = FileSha256.of(temporary);
        String name = safeName(request.modelName());
        String ftype = recipe.ftype().quantizeName();
        String relative = "quants/" + name + "/" + name + "-" + ftype + "-" + sha256.substring(0, 12) + ".gguf";
        Path stored = store.publish(temporary, relative);
        List<TensorRow> tensors = q.plan().tensors().stream().map(QuantizeJobRunner::row).toList();
        QuantOutcome outcome = new QuantOutcome(relative, Files.size(stored), sha256, q.result().parameterCount(),
                q.result().bitsPerWeight(), recipe.text(), tensors);
        completed.remember(request.jobId(), outcome);
        log.info("job {}: {} ({} bytes, {} bpw)", request.jobId(), relative, outcome.fileBytes(),
                String.format(Locale.ROOT, "%.3f", outcome.bitsPerWeight()));
        return outcome;
    }

    private static TensorRow row(PlannedTensor p) {
        return new TensorRow(p.name(), Arrays.stream(p.source().ne()).boxed().toList(), p.targetType().typeName(), p.bytes());
    }

    /** Store paths are built from the model name: keep it to safe file-name characters. */
    static String safeName(String modelName) {
        String s = modelName.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.startsWith(".") ? "_" + s : s;
    }
}
