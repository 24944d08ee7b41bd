package io.quantarena.inferenceworker.engine;

/**
 * A finished generation.
 *
 * @param completionTokens tokens sampled (an end-of-generation token included, as llama-server counts)
 * @param promptNanos      prompt processing time
 * @param generationNanos  from the first sampled token to the last
 */
public record Completion(String text, FinishReason finishReason, int promptTokens, int completionTokens,
                         long promptNanos, long generationNanos) {

    public double promptMs() {
        return promptNanos / 1e6;
    }

    public double generationMs() {
        return generationNanos / 1e6;
    }
}
