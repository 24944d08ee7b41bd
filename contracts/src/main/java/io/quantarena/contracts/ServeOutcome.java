package io.quantarena.contracts;

import java.util.List;

/**
 * The result of a serve job: one completion per prompt, in prompt order.
 *
 * @param model the model that answered (the name the job asked for)
 */
public record ServeOutcome(String model, List<Completion> completions) {

    public ServeOutcome {
        completions = List.copyOf(completions);
    }

    /**
     * @param finishReason {@code stop} (end-of-generation token or stop string) or {@code length}
     * @param promptMs     prompt processing time
     * @param generationMs time from the first to the last generated token
     */
    public record Completion(int index, String text, String finishReason, int promptTokens, int completionTokens,
                             double promptMs, double generationMs) {
    }

    public long promptTokens() {
        return completions.stream().mapToLong(Completion::promptTokens).sum();
    }

    public long completionTokens() {
        return completions.stream().mapToLong(Completion::completionTokens).sum();
    }
}
