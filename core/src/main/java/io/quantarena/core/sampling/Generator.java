package io.quantarena.core.sampling;

import io.quantarena.core.model.Session;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/** Prompt processing followed by token-by-token decoding with a {@link Sampler}. */
public final class Generator {

    /**
     * @param tokens           generated tokens (excluding the prompt; includes the stop token if hit)
     * @param promptNanos      time to evaluate the prompt
     * @param evalNanos        time of the single-token evaluations
     * @param evalRuns         number of single-token evaluations
     */
    public record Result(int[] tokens, int promptTokens, long promptNanos, long evalNanos, int evalRuns,
                         boolean stopped) {

        public double promptTokensPerSecond() {
            return promptTokens / (promptNanos / 1e9);
        }

        public double evalTokensPerSecond() {
            return evalRuns / (evalNanos / 1e9);
        }
    }

    private Generator() {
    }

    /**
     * Generates up to {@code maxTokens} tokens after {@code prompt} in a fresh sequence.
     *
     * @param isStop  end-of-generation tokens (the stop token is reported but not evaluated)
     * @param onToken called with each generated token as soon as it is chosen
     */
    public static Result generate(Session session, int[] prompt, int maxTokens, Sampler sampler, IntPredicate isStop,
                                  IntConsumer onToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("empty prompt");
        }
        int nVocab = session.model().hparams().nVocab();
        int capacity = session.cache().capacity();
        if (prompt.length >= capacity) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens does not fit the context of "
                    + capacity);
        }
        session.clear();
        int[] history = Arrays.copyOf(prompt, prompt.length + maxTokens);
        int len = prompt.length;
        long t0 = System.nanoTime();
        float[] logits = session.evaluate(prompt, 0, prompt.length, prompt.length - 1);
        long promptNanos = System.nanoTime() - t0;
        long evalNanos = 0;
        int runs = 0;
        int produced = 0;
        boolean stopped = false;
        int[] one = new int[1];
        while (produced < maxTokens) {
            int tok = sampler.sample(logits, 0, nVocab, history, len);
            history[len++] = tok;
            produced++;
            onToken.accept(tok);
            if (isStop.test(tok)) {
                stopped = true;
                break;
            }
            if (produced == maxTokens || session.position() >= capacity) {
                break;
            }
            one[0] = tok;
            long t1 = System.nanoTime();
            logits = session.evaluate(one, 0, 1, 0);
            evalNanos += System.nanoTime() - t1;
            runs++;
        }
        return new Result(Arrays.copyOfRange(history, prompt.length, len), prompt.length, promptNanos, evalNanos, runs,
                stopped);
    }
}
