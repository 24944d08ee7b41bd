package io.quantarena.inferenceworker.engine;

import io.quantarena.core.model.BatchDecoder;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.LlamaModel;
import io.quantarena.core.model.Backend;
import io.quantarena.core.model.Sequence;
import io.quantarena.core.sampling.Sampler;
import io.quantarena.core.tokenizer.TokenStreamDecoder;
import io.quantarena.core.tokenizer.Tokenizer;
import io.quantarena.inferenceworker.metrics.ServingMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * Continuous batching for one model on one thread: requests wait in a bounded queue, take one of
 * {@code parallel} slots (a {@link Sequence} each) as soon as one is free, have their prompt processed,
 * and from then on decode together — each step samples one token for every active sequence and runs
 * one {@link BatchDecoder#step} for all that continue. A cancelled request leaves its slot at the next
 * step; finished ones leave at once, and a waiting request takes the slot before the next step.
 */
public final class BatchScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchScheduler.class);

    private final String name;
    private final Tokenizer tokenizer;
    private final IntPredicate endOfGeneration;
    private final BatchDecoder decoder;
    private final ServingMetrics metrics;
    private final LinkedBlockingDeque<GenerationRequest> queue = new LinkedBlockingDeque<>();
    /**
     * Places for requests in flight (holding a slot or waiting for one): slots plus queue capacity.
     * A request that arrives while slots are free is not "waiting" even though it passes through the
     * queue until the loop admits it (one prompt per step), so the bound counts both together.
     */
    private final Semaphore places;
    private final Deque<Sequence> freeSequences = new ArrayDeque<>();
    private final List<Slot> active = new ArrayList<>();
    private final Thread thread;
    private volatile int activeCount;
    private volatile boolean closed;

    /**
     * @param parallel      slots: the most sequences decoding at once
     * @param ctxSize       context (KV cells) of each slot
     * @param ubatch        prompt micro-batch size
     * @param queueCapacity the most requests waiting for a slot; more are refused
     */
    public BatchScheduler(String name, LlamaModel model, Tokenizer tokenizer, IntPredicate endOfGeneration,
                          Backend backend, int parallel, int ctxSize, int ubatch, KvCacheType cacheType,
                          int queueCapacity, ServingMetrics metrics) {
        this.name = name;
        this.tokenizer = tokenizer;
        this.endOfGeneration = endOfGeneration;
        this.decoder = new BatchDecoder(model, backend, parallel, ubatch);
        this.metrics = metrics;
        this.places = new Semaphore(parallel + Math.max(1, queueCapacity));
        for (int i = 0; i < parallel; i++) {
            freeSequences.add(new Sequence(model, ctxSize, cacheType));
        }
        this.thread = Thread.ofPlatform().daemon().name("serve-" + name).start(this::loop);
    }

    /** Queues a request; throws {@link QueueFullException} when the queue is full. */
    public void submit(GenerationRequest request) {
        if (closed) {
            throw new IllegalStateException("model " + name + " is being unloaded");
        }
        if (!places.tryAcquire()) {
            throw new QueueFullException(name, queue.size());
        }
        queue.addLast(request);
    }

    /** Queues a request, waiting for room in the queue (batch jobs, which should wait rather than fail). */
    public void submitWaiting(GenerationRequest request) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("model " + name + " is being unloaded");
        }
        places.acquire();
        queue.addLast(request);
    }

    /** Takes a cancelled request out of the queue at once (it never got a slot). */
    public void withdraw(GenerationRequest request) {
        if (queue.remove(request)) {
            notifyComplete(request, new Completion("", FinishReason.CANCELLED, request.promptTokens(), 0, 0, 0));
        }
    }

    public int queued() {
        return queue.size();
    }

    public int active() {
        return activeCount;
    }

    public boolean idle() {
        return queue.isEmpty() && activeCount == 0;
    }

    public int slots() {
        return decoder.maxSequences();
    }

    private void loop() {
        while (!closed) {
            try {
                dropCancelled();
                if (active.isEmpty()) {
                    GenerationRequest next = queue.pollFirst(100, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        admit(next);
                    }
                    continue;
                }
                // one prompt per step at most, so that running streams keep flowing while others join
                if (!freeSequences.isEmpty()) {
                    GenerationRequest next = queue.pollFirst();
                    if (next != null) {
                        admit(next);
                    }
                }
                step();
            } catch (InterruptedException e) {
                // close(): fall through to failing what is left
                break;
            } catch (RuntimeException | Error e) {
                log.error("model {}: decode step failed; failing {} active requests", name, active.size(), e);
                RuntimeException failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                for (Slot s : active) {
                    notifyError(s.request, failure);
                    release(s);
                }
                active.clear();
                activeCount = 0;
            }
        }
        failQueued(new IllegalStateException("model " + name + " was unloaded"));
    }

    private void admit(GenerationRequest request) {
        if (request.cancelled()) {
            notifyComplete(request, new Completion("", FinishReason.CANCELLED, request.promptTokens(), 0, 0, 0));
            return;
        }
        Sequence seq = freeSequences.pollFirst();
        int[] prompt = request.prompt();
        if (prompt.length >= seq.capacity()) {
            freeSequences.addFirst(seq);
            notifyError(request, new IllegalArgumentException("prompt of " + prompt.length
                    + " tokens does not fit the context of " + seq.capacity()));
            return;
        }
        seq.clear();
        long t0 = System.nanoTime();
        float[] logits;
        try {
            logits = decoder.prefill(seq, prompt, 0, prompt.length);
        } catch (RuntimeException e) {
            freeSequences.addFirst(seq);
            notifyError(request, e);
            return;
        }
        long promptNanos = System.nanoTime() - t0;
        metrics.prompt(prompt.length, promptNanos);
        Slot slot = new Slot(request, seq, logits, promptNanos, tokenizer);
        active.add(slot);
        activeCount = active.size();
        try {
            request.listener().onStart();
        } catch (RuntimeException e) {
            request.cancel();
        }
    }

    /** Samples a token for every active sequence, finishes those that are done, decodes the rest together. */
    private void step() {
        int nVocab = decoder.model().hparams().nVocab();
        List<Slot> continuing = new ArrayList<>(active.size());
        int[] tokens = new int[active.size()];
        for (Slot s : active) {
            if (s.genStart == 0) {
                s.genStart = System.nanoTime();
            }
            GenerationParams p = s.request.params();
            int token = s.sampler.sample(s.logits, 0, nVocab, s.history, s.len);
            s.history[s.len++] = token;
            s.produced++;
            boolean eog = endOfGeneration.test(token) && !p.ignoreEos();
            if (!eog) {
                emit(s, s.stop.accept(s.text.append(token)));
            }
            if (eog || s.stop.matched()) {
                finish(s, FinishReason.STOP);
            } else if (s.produced >= p.maxTokens() || s.sequence.position() >= s.sequence.capacity()) {
                finish(s, FinishReason.LENGTH);
            } else if (s.request.cancelled()) {
                finish(s, FinishReason.CANCELLED);
            } else {
                tokens[continuing.size()] = token;
                continuing.add(s);
            }
        }
        active.retainAll(continuing);
        activeCount = active.size();
        if (continuing.isEmpty()) {
            return;
        }
        List<Sequence> seqs = new ArrayList<>(continuing.size());
        for (Slot s : continuing) {
            seqs.add(s.sequence);
        }
        long t0 = System.nanoTime();
        float[] logits = decoder.step(seqs, Arrays.copyOf(tokens, continuing.size()));
        metrics.decodeStep(continuing.size(), System.nanoTime() - t0);
        for (int i = 0; i < continuing.size(); i++) {
            continuing.get(i).logits = Arrays.copyOfRange(logits, i * nVocab, (i + 1) * nVocab);
        }
    }

    private void dropCancelled() {
        active.removeIf(s -> {
            if (s.request.cancelled()) {
                finish(s, FinishReason.CANCELLED);
                return true;
            }
            return false;
        });
        activeCount = active.size();
    }

    private void emit(Slot s, String text) {
        if (!text.isEmpty()) {
            s.output.append(text);
            try {
                s.request.listener().onText(text);
            } catch (RuntimeException e) {
                // the client is gone: stop generating for it
                s.request.cancel();
            }
        }
    }

    private void finish(Slot s, FinishReason reason) {
        if (reason != FinishReason.CANCELLED) {
            emit(s, s.stop.accept(s.text.finish()));
            emit(s, s.stop.finish());
        }
        long genNanos = s.genStart == 0 ? 0 : System.nanoTime() - s.genStart;
        notifyComplete(s.request, new Completion(s.output.toString(), reason, s.request.promptTokens(), s.produced,
                s.promptNanos, genNanos));
        release(s);
    }

    /** Gives the slot's sequence back once (a failed step may reach slots that had just finished). */
    private void release(Slot s) {
        if (!s.released) {
            s.released = true;
            freeSequences.addLast(s.sequence);
        }
    }

    /** Each request ends here or in {@link #notifyError} exactly once, which gives its place back. */
    private void notifyComplete(GenerationRequest r, Completion c) {
        if (!r.end()) {
            return;
        }
        places.release();
        try {
            r.listener().onComplete(c);
        } catch (RuntimeException e) {
            log.debug("model {}: listener failed on completion: {}", name, e.getMessage());
        }
    }

    private void notifyError(GenerationRequest r, RuntimeException error) {
        if (!r.end()) {
            return;
        }
        places.release();
        try {
            r.listener().onError(error);
        } catch (RuntimeException e) {
            log.debug("model {}: listener failed on error: {}", name, e.getMessage());
        }
    }

    private void failQueued(RuntimeException error) {
        GenerationRequest r;
        while ((r = queue.pollFirst()) != null) {
            notifyError(r, error);
        }
        for (Slot s : active) {
            notifyError(s.request, error);
        }
        active.clear();
        activeCount = 0;
    }

    /** Stops the thread after the current step; queued and active requests fail. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request holding a sequence. */
    private static final class Slot {
        final GenerationRequest request;
        final Sequence sequence;
        final Sampler sampler;
        final int[] history;
        final long promptNanos;
        final TokenStreamDecoder text;
        final StopMatcher stop;
        final StringBuilder output = new StringBuilder();
        float[] logits;
        int len;
        int produced;
        long genStart;
        boolean released;

        Slot(GenerationRequest request, Sequence sequence, float[] logits, long promptNanos, Tokenizer tokenizer) {
            this.request = request;
            this.sequence = sequence;
            this.logits = logits;
            this.promptNanos = promptNanos;
            this.sampler = new Sampler(request.params().sampler());
            int[] prompt = request.prompt();
            this.history = Arrays.copyOf(prompt, prompt.length
                    + Math.min(request.params().maxTokens(), sequence.capacity()));
            this.len = prompt.length;
            // the text continues the prompt: no leading-space stripping
            this.text = new TokenStreamDecoder(tokenizer, false, false);
            this.stop = new StopMatcher(request.params().stop());
        }
    }

}
