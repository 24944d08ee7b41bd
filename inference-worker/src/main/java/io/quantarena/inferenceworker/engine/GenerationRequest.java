package io.quantarena.inferenceworker.engine;

/** A prompt (token ids) waiting for or holding a slot of a {@link BatchScheduler}. */
public final class GenerationRequest {

    private final int[] prompt;
    private final GenerationParams params;
    private final GenerationListener listener;
    private volatile boolean cancelled;

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

    public boolean cancelled() {
        return cancelled;
    }
}
