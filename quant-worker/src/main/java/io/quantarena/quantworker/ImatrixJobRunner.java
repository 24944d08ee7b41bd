package io.quantarena.quantworker;

import io.quantarena.contracts.CancelledJobs;
import io.quantarena.contracts.ImatrixOutcome;
import io.quantarena.contracts.ImatrixRequested;
import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.ProgressDetail;
import io.quantarena.contracts.files.FileSha256;
import io.quantarena.core.eval.ImatrixComputation;
import io.quantarena.core.eval.ImatrixRunner;
import io.quantarena.core.imatrix.ImatrixFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * Runs one imatrix request with core's llama-imatrix computation on a calibration text from the
 * datasets directory: PROGRESS per chunk (with the running perplexity), cancel between chunks, the
 * {@code .dat} file written under a temporary name and renamed to
 * {@code imatrix/<model>/<model>-<dataset>-c<n_ctx>-<sha256 prefix>.dat}.
 */
@Component
public class ImatrixJobRunner {

    private static final Logger log = LoggerFactory.getLogger(ImatrixJobRunner.class);

    private final ModelStore store;
    private final JobEventPublisher publisher;
    private final CancelledJobs cancellations;
    private final CompletedJobs completed;
    private final JobLifecycle lifecycle;
    private final int threads;

    public ImatrixJobRunner(ModelStore store, JobEventPublisher publisher, CancelledJobs cancellations,
                            CompletedJobs completed, JobLifecycle lifecycle, QuantWorkerProperties properties) {
        this.store = store;
        this.publisher = publisher;
        this.cancellations = cancellations;
        this.completed = completed;
        this.lifecycle = lifecycle;
        this.threads = properties.threads();
    }

    public void run(ImatrixRequested request) {
        lifecycle.run(request.jobId(), "imatrix", () -> JobEvent.succeeded(request.jobId(), compute(request)));
    }

    private ImatrixOutcome compute(ImatrixRequested request) throws Exception {
        Optional<ImatrixOutcome> earlier = completed.find(request.jobId(), ImatrixOutcome.class, ImatrixOutcome::artifactPath,
                ImatrixOutcome::sha256);
        if (earlier.isPresent()) {
            log.info("job {} was done before: reusing {}", request.jobId(), earlier.get().artifactPath());
            return earlier.get();
        }
        Path model = store.baseModel(request.modelFile());
        Path text = store.dataset(request.dataset());
        String datasetSha = FileSha256.of(text);
        int maxChunks = request.chunks() == null ? 0 : request.chunks();
        ImatrixComputation computation = new ImatrixComputation(model, text, request.dataset(), request.nCtx(), maxChunks, threads, true);
        ProgressThrottle throttle = ProgressThrottle.standard();
        ByteArrayOutputStream toolLog = new ByteArrayOutputStream();
        log.info("job {}: imatrix of {} on {} (n_ctx {}, chunks {})", request.jobId(), model, text, request.nCtx(),
                maxChunks > 0 ? maxChunks : "all");
        ImatrixRunner.Result r = computation.run(new PrintStream(toolLog, true, StandardCharsets.UTF_8), (chunk, nChunk, ppl) -> {
            int done = chunk + 1;
            if (done < nChunk && cancellations.isCancelled(request.jobId())) {
                throw new CancellationException("stopped after chunk " + done + " of " + nChunk);
            }
            if (throttle.shouldReport(done, nChunk)) {
                publisher.publish(JobEvent.progress(request.jobId(), done / (double) nChunk, "imatrix",
                        String.format(Locale.ROOT, "%d/%d chunks, running perplexity %.4f", done, nChunk, ppl),
                        new ProgressDetail("chunk " + done, done, nChunk, null, Double.isFinite(ppl) ? ppl : null)));
            }
        });
        Path temporary = store.temporaryOutput(request.jobId(), "dat");
        ImatrixFiles.write(r.imatrix(), temporary);
        String sha256 = FileSha256.of(temporary);
        String name = QuantizeJobRunner.safeName(request.modelName());
        String dataset = QuantizeJobRunner.safeName(stem(request.dataset()));
        String relative = "imatrix/" + name + "/" + name + "-" + dataset + "-c" + request.nCtx() + "-" + sha256.substring(0, 12) + ".dat";
        Path stored = store.publish(temporary, relative);
        ImatrixOutcome outcome = new ImatrixOutcome(relative, Files.size(stored), sha256, request.dataset(), datasetSha,
                request.nCtx(), r.chunks(), r.tokens(), r.imatrix().size(), Double.isFinite(r.perplexity()) ? r.perplexity() : null);
        completed.remember(request.jobId(), outcome);
        r.warnings().forEach(w -> log.warn("job {}: {}", request.jobId(), w));
        log.info("job {}: {} ({} entries, {} chunks)", request.jobId(), relative, outcome.entries(), outcome.chunks());
        return outcome;
    }

    private static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
