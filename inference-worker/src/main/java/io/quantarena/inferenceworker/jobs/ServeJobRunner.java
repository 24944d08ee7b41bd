package io.quantarena.inferenceworker.jobs;

import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.ServeOutcome;
import io.quantarena.contracts.ServeRequested;
import io.quantarena.contracts.ServeSettings;
import io.quantarena.core.sampling.SamplerConfig;
import io.quantarena.inferenceworker.chat.ChatMessage;
import io.quantarena.inferenceworker.engine.Completion;
import io.quantarena.inferenceworker.engine.FinishReason;
import io.quantarena.inferenceworker.engine.GenerationListener;
import io.quantarena.inferenceworker.engine.GenerationParams;
import io.quantarena.inferenceworker.engine.GenerationRequest;
import io.quantarena.inferenceworker.engine.LoadedModel;
import io.quantarena.inferenceworker.engine.ModelRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs a serve job: its prompts go through the same scheduler as API requests (so they decode batched,
 * as many at once as the model has slots), a PROGRESS event per finished prompt, then SUCCEEDED with
 * every completion, FAILED with the error, or CANCELLED when job.control says so.
 */
public class ServeJobRunner {

    private static final Logger log = LoggerFactory.getLogger(ServeJobRunner.class);

    private final ModelRegistry registry;
    private final JobEventPublisher publisher;
    private final Set<UUID> cancelled = ConcurrentHashMap.newKeySet();

    public ServeJobRunner(ModelRegistry registry, JobEventPublisher publisher) {
        this.registry = registry;
        this.publisher = publisher;
    }

    /** job.control: stop the job's remaining prompts. */
    public void cancel(UUID jobId) {
        cancelled.add(jobId);
    }

    public void run(ServeRequested request) {
        UUID jobId = request.jobId();
        MDC.put("jobId", jobId.toString());
        try {
            if (cancelled.contains(jobId)) {
                publisher.publish(JobEvent.cancelled(jobId, "cancelled before start"));
                return;
            }
            publisher.publish(JobEvent.started(jobId, "serve"));
            if (request.prompts().isEmpty()) {
                throw new IllegalArgumentException("the job has no prompts");
            }
            try (ModelRegistry.Lease lease = registry.acquire(request.model(), List.of())) {
                ServeOutcome outcome = runPrompts(request, lease.model());
                if (outcome == null) {
                    publisher.publish(JobEvent.cancelled(jobId, "stopped after a cancel"));
                } else {
                    publisher.publish(JobEvent.succeeded(jobId, outcome));
                    log.info("job {}: {} prompts answered, {} tokens generated", jobId, request.prompts().size(),
                            outcome.completionTokens());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            publisher.publish(JobEvent.failed(jobId, "INTERRUPTED", "the worker stopped during the job"));
        } catch (RuntimeException e) {
            log.error("job {} failed", jobId, e);
            publisher.publish(JobEvent.failed(jobId, e.getClass().getSimpleName(),
                    e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
        } finally {
            cancelled.remove(jobId);
            MDC.remove("jobId");
        }
    }

    /** The completions in prompt order, or null when the job was cancelled. */
    private ServeOutcome runPrompts(ServeRequested request, LoadedModel model) throws InterruptedException {
        List<String> prompts = request.prompts();
        int total = prompts.size();
        GenerationParams params = params(request.settings(), model);
        List<GenerationRequest> generations = new ArrayList<>(total);
        BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
        for (int i = 0; i < total; i++) {
            String text = request.settings().chat()
                    ? model.formatChat(List.of(new ChatMessage("user", prompts.get(i))))
                    : prompts.get(i);
            int[] tokens = model.tokenize(text);
            if (tokens.length == 0 || tokens.length >= model.contextSize()) {
                throw new IllegalArgumentException("prompt " + i + " has " + tokens.length
                        + " tokens; expected 1.." + (model.contextSize() - 1) + " (the context size less one)");
            }
            int maxTokens = Math.min(params.maxTokens(), model.contextSize() - tokens.length);
            generations.add(new GenerationRequest(tokens, new GenerationParams(maxTokens, params.sampler(),
                    params.stop(), false), new Collector(i, finished)));
        }
        Completion[] results = new Completion[total];
        int window = model.scheduler().slots();
        int submitted = 0;
        int done = 0;
        while (done < total) {
            while (submitted < total && submitted - done < window) {
                model.scheduler().submitWaiting(generations.get(submitted++));
            }
            Finished f = finished.poll(200, TimeUnit.MILLISECONDS);
            if (cancelled.contains(request.jobId())) {
                generations.forEach(GenerationRequest::cancel);
                return null;
            }
            if (f == null) {
                continue;
            }
            if (f.error != null) {
                generations.forEach(GenerationRequest::cancel);
                throw new IllegalStateException("prompt " + f.index + " failed: " + f.error.getMessage(), f.error);
            }
            results[f.index] = f.completion;
            done++;
            publisher.publish(JobEvent.progress(request.jobId(), done / (double) total, "serve",
                    done + "/" + total + " prompts, " + f.completion.completionTokens() + " tokens for prompt " + f.index));
        }
        List<ServeOutcome.Completion> completions = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            Completion c = results[i];
            completions.add(new ServeOutcome.Completion(i, c.text(), c.finishReason().apiName(), c.promptTokens(),
                    c.completionTokens(), c.promptMs(), c.generationMs()));
        }
        return new ServeOutcome(request.model(), completions);
    }

    private static GenerationParams params(ServeSettings s, LoadedModel model) {
        if (s.maxTokens() < 1) {
            throw new IllegalArgumentException("maxTokens " + s.maxTokens() + ", expected >= 1");
        }
        long seed = s.seed() != null && s.seed() >= 0 ? s.seed() : ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
        SamplerConfig sampler = new SamplerConfig((float) s.temperature(), 40, (float) s.topP(), 0.05f, 1.0f, 64, seed);
        return new GenerationParams(Math.min(s.maxTokens(), model.contextSize()), sampler, s.stop(), false);
    }

    private record Finished(int index, Completion completion, RuntimeException error) {
    }

    /** Forwards one prompt's end to the job thread. */
    private record Collector(int index, BlockingQueue<Finished> finished) implements GenerationListener {
        @Override
        public void onText(String text) {
        }

        @Override
        public void onComplete(Completion completion) {
            if (completion.finishReason() != FinishReason.CANCELLED) {
                finished.add(new Finished(index, completion, null));
            }
        }

        @Override
        public void onError(RuntimeException error) {
            finished.add(new Finished(index, null, error));
        }
    }
}
