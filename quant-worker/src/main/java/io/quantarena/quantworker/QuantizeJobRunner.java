package io.quantarena.quantworker;

import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.QuantOutcome;
import io.quantarena.contracts.QuantizeRequested;
import io.quantarena.core.recipe.Ftype;
import io.quantarena.core.recipe.QuantizeRequest;
import io.quantarena.core.recipe.QuantizeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CancellationException;

/**
 * Runs one quantize request: STARTED, PROGRESS..., then SUCCEEDED with the stored artifact, FAILED with
 * the error message, or CANCELLED. Failures of the job itself end as a FAILED event, never as a retry.
 */
@Component
public class QuantizeJobRunner {

    private static final Logger log = LoggerFactory.getLogger(QuantizeJobRunner.class);

    private final ModelQuantization quantization;
    private final ModelStore store;
    private final JobEventPublisher publisher;
    private final CancellationRegistry cancellations;
    private final int threads;

    public QuantizeJobRunner(ModelQuantization quantization, ModelStore store, JobEventPublisher publisher,
                             CancellationRegistry cancellations, QuantWorkerProperties properties) {
        this.quantization = quantization;
        this.store = store;
        this.publisher = publisher;
        this.cancellations = cancellations;
        this.threads = properties.threads();
    }

    public void run(QuantizeRequested request) {
        MDC.put("jobId", request.jobId().toString());
        Path temporary = null;
        try {
            if (cancellations.isCancelled(request.jobId())) {
                log.info("job {} was cancelled before it started", request.jobId());
                publisher.publish(JobEvent.cancelled(request.jobId(), "cancelled before start"));
                return;
            }
            publisher.publish(JobEvent.started(request.jobId(), "quantize"));
            long t0 = System.nanoTime();
            Ftype ftype = Ftype.byName(request.ftype()).orElseThrow(() -> new IllegalArgumentException(
                    "unknown ftype '" + request.ftype() + "'"));
            Path input = store.baseModel(request.modelFile());
            temporary = store.temporaryOutput(request.jobId());
            log.info("job {}: quantizing {} to {} (base type {})", request.jobId(), input, ftype, ftype.baseType().typeName());
            QuantizeResult result = quantization.quantize(new QuantizeRequest(input, temporary, ftype.baseType(), threads),
                    new ProgressReporter(request.jobId(), publisher, cancellations));
            String sha256 = ModelStore.sha256(temporary);
            String name = safeName(request.modelName());
            String relative = "quants/" + name + "/" + name + "-" + ftype.name() + "-" + sha256.substring(0, 12) + ".gguf";
            Path stored = store.publish(temporary, relative);
            temporary = null;
            QuantOutcome outcome = new QuantOutcome(relative, Files.size(stored), sha256, result.parameterCount(),
                    result.bitsPerWeight(), result.tensorTypes());
            publisher.publish(JobEvent.succeeded(request.jobId(), outcome));
            log.info("job {} succeeded in {} ms: {} ({} bytes, {} bpw)", request.jobId(),
                    (System.nanoTime() - t0) / 1_000_000, relative, outcome.fileBytes(),
                    String.format(Locale.ROOT, "%.3f", outcome.bitsPerWeight()));
        } catch (CancellationException e) {
            log.info("job {} cancelled while running", request.jobId());
            publisher.publish(JobEvent.cancelled(request.jobId(), "stopped between tensors"));
        } catch (Exception e) {
            log.error("job {} failed", request.jobId(), e);
            publisher.publish(JobEvent.failed(request.jobId(), e.getClass().getSimpleName(), describe(e)));
        } finally {
            deleteQuietly(temporary);
            MDC.remove("jobId");
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }

    /** Store paths are built from the model name: keep it to safe file-name characters. */
    static String safeName(String modelName) {
        String s = modelName.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.startsWith(".") ? "_" + s : s;
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.warn("cannot delete temporary output {}: {}", p, e.getMessage());
            }
        }
    }
}
