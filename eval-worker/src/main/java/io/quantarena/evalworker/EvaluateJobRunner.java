package io.quantarena.evalworker;

import io.quantarena.contracts.CancelledJobs;
import io.quantarena.contracts.StoredFile;
import io.quantarena.contracts.EvaluateRequested;
import io.quantarena.contracts.EvaluationOutcome;
import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.KldStatistics;
import io.quantarena.core.eval.KldSummary;
import io.quantarena.core.model.KvOverride;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;

/**
 * Runs one evaluate request: STARTED, PROGRESS per chunk (chunk count, running perplexity and KLD),
 * then SUCCEEDED with the numbers and their provenance, FAILED with the error, or CANCELLED. With
 * KL-divergence the base model's log-probabilities come from {@link BaseLogitsCache} (computed by
 * the first evaluation that needs them, reused by all others).
 */
@Component
public class EvaluateJobRunner {

    private static final Logger log = LoggerFactory.getLogger(EvaluateJobRunner.class);

    private final WorkerFiles files;
    private final BaseLogitsCache baseLogits;
    private final JobEventPublisher publisher;
    private final CancelledJobs cancellations;
    private final int threads;
    private final String toolVersion;

    public EvaluateJobRunner(WorkerFiles files, BaseLogitsCache baseLogits, JobEventPublisher publisher,
                             CancelledJobs cancellations, EvalWorkerProperties properties) {
        this.files = files;
        this.baseLogits = baseLogits;
        this.publisher = publisher;
        this.cancellations = cancellations;
        this.threads = properties.threads();
        this.toolVersion = properties.toolVersion();
    }

    public void run(EvaluateRequested request) {
        MDC.put("jobId", request.jobId().toString());
        try {
            if (cancellations.isCancelled(request.jobId())) {
                log.info("job {} was cancelled before it started", request.jobId());
                publisher.publish(JobEvent.cancelled(request.jobId(), "cancelled before start"));
                return;
            }
            publisher.publish(JobEvent.started(request.jobId(), "evaluate"));
            EvaluationOutcome outcome = evaluate(request);
            publisher.publish(JobEvent.evaluated(request.jobId(), outcome));
            log.info("job {} succeeded: PPL {} over {} chunks of {} ({} tokens/s){}", request.jobId(),
                    String.format(Locale.ROOT, "%.4f", outcome.ppl()), outcome.chunks(), outcome.nCtx(),
                    String.format(Locale.ROOT, "%.0f", outcome.tokensPerSecond()),
                    outcome.kld() == null ? "" : String.format(Locale.ROOT, ", mean KLD %.6f", outcome.kld().kldMean()));
        } catch (CancellationException e) {
            log.info("job {} cancelled while running", request.jobId());
            publisher.publish(JobEvent.cancelled(request.jobId(), "stopped between chunks"));
        } catch (Exception e) {
            log.error("job {} failed", request.jobId(), e);
            publisher.publish(JobEvent.failed(request.jobId(), e.getClass().getSimpleName(), describe(e)));
        } finally {
            MDC.remove("jobId");
        }
    }

    private EvaluationOutcome evaluate(EvaluateRequested r) throws Exception {
        Path base = files.baseModel(r.baseModelFile());
        Path subject = r.subjectPath() == null ? base : files.stored(r.subjectPath());
        Path dataset = files.dataset(r.dataset());
        String datasetSha256 = files.datasetSha256(dataset);
        String text = Files.readString(dataset, StandardCharsets.UTF_8);
        List<KvOverride> overrides = CoreEvaluation.expertOverride(subject, r.expertUsedCount());
        log.info("job {}: evaluating {} on {} (n_ctx {}, chunks {}, KL-divergence {}, experts {})", r.jobId(),
                subject.getFileName(), r.dataset(), r.nCtx(), r.chunks() == null ? "all" : r.chunks(),
                r.klDivergence() ? "on" : "off", r.expertUsedCount() == null ? "as in the file" : r.expertUsedCount());
        if (!r.klDivergence()) {
            int[] tokens = CoreEvaluation.tokenize(subject, text);
            int nChunk = CoreEvaluation.chunkCount(tokens.length, r.nCtx(), r.chunks());
            CoreEvaluation.Measurement m = CoreEvaluation.perplexity(subject, overrides, tokens, r.nCtx(), nChunk,
                    threads, reporter(r, "perplexity", 0, 1));
            return outcome(r, datasetSha256, m, null);
        }
        int[] baseTokens = CoreEvaluation.tokenize(base, text);
        int nChunk = CoreEvaluation.chunkCount(baseTokens.length, r.nCtx(), r.chunks());
        BaseLogitsKey key = new BaseLogitsKey(r.baseModel(), r.baseModelSha256(), datasetSha256, r.nCtx(), nChunk);
        BaseLogitsCache.Obtained logits = baseLogits.obtain(key,
                temporary -> CoreEvaluation.writeBaseLogits(base, baseTokens, r.nCtx(), nChunk, temporary, threads,
                        reporter(r, "base-logits", 0, 0.5)),
                () -> publisher.publish(JobEvent.progress(r.jobId(), 0, "base-logits-wait",
                        "waiting for the base log-probabilities " + key.relativePath() + " another evaluation is computing")));
        CoreEvaluation.Measurement m = CoreEvaluation.klDivergence(subject, overrides, logits.file(), threads,
                reporter(r, "kl-divergence", logits.computed() ? 0.5 : 0, 1));
        return outcome(r, datasetSha256, m, new StoredFile(logits.relativePath(), logits.bytes(), logits.sha256()));
    }

    private ChunkReporter reporter(EvaluateRequested r, String stage, double from, double to) {
        return new ChunkReporter(r.jobId(), stage, from, to, publisher, cancellations);
    }

    private EvaluationOutcome outcome(EvaluateRequested r, String datasetSha256, CoreEvaluation.Measurement m,
                                      StoredFile baseLogitsFile) {
        double tokensPerSecond = m.seconds() > 0 ? (double) m.chunks() * m.nCtx() / m.seconds() : 0;
        return new EvaluationOutcome(r.dataset(), datasetSha256, m.nCtx(), m.chunks(), m.tokensScored(),
                m.expertUsedCount(), m.ppl(), m.pplError(), m.kld() == null ? null : statistics(m.kld()),
                baseLogitsFile, toolVersion, m.seconds(), tokensPerSecond);
    }

    static KldStatistics statistics(KldSummary s) {
        return new KldStatistics(s.pplBase(), s.pplBaseErr(), s.corLnPpl(), s.meanLnRatio(), s.meanLnRatioErr(),
                s.kldMean(), s.kldMeanErr(), s.kldMax(), s.kldPercentile(0.999), s.kldPercentile(0.990),
                s.kldPercentile(0.950), s.kldPercentile(0.900), s.kldMedian(), s.kldPercentile(0.100),
                s.kldPercentile(0.050), s.kldPercentile(0.010), s.kldPercentile(0.001), s.kldMin(),
                s.dpMean(), s.dpMeanErr(), s.dpMax(), s.dpPercentile(0.990), s.dpMedian(), s.dpPercentile(0.010),
                s.dpMin(), s.dpRms(), s.dpRmsErr(), s.sameTop(), s.sameTopErr());
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }
}
