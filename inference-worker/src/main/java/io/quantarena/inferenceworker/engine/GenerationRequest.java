package io.quantarena.inferenceworker.engine;

/** A prompt (token ids) waiting for or holding a slot of a {@link BatchScheduler}. */
public final class GenerationRequest {

    private final int[] prompt;
    private final GenerationParams params;
    private final GenerationListener listener;
    private volatile boolean cancelled;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

    public GenerationRequest(int[] prompt, GenerationParams params, GenerationListener listener) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("empty prompt");
        }
        this.prompt = prompt.clone();
        this.params = params;
        this.listener = listener;
    }

    int[] prompt() {
        return prompt;
    }

    public int promptTokens() {
        return prompt.length;
    }

    GenerationParams params() {
        return params;
    }

    GenerationListener listener() {
        return listener;
    }

    /** Frees the request's slot (or queue place) at the scheduler's next step. */
    public void cancel() {
        cancelled = true;
    }

    /** True the first time only: the scheduler reports an end (and frees the request's place) once. */
    boolean end() {
        return ended.compareAndSet(false, true);
    }

    public boolean cancelled() {
        return cancelled;
    }
}
