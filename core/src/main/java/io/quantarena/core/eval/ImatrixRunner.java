package io.quantarena.core.eval;

import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixAccumulator;
import io.quantarena.core.imatrix.ImatrixCollector;
import io.quantarena.core.model.Session;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * llama-imatrix's computation (spec/quantize-tool.md §6.3): the text is cut into chunks of n_ctx
 * tokens, each evaluated as a fresh sequence with its first token replaced by BOS (when the model
 * adds BOS), while an {@link ImatrixCollector} sees every weight product. Optionally prints the
 * running perplexity of the second half of each chunk, as the tool does unless {@code --no-ppl}.
 */
public final class ImatrixRunner {

    /** Called after every chunk, e.g. to report progress or to stop early by throwing. */
    @FunctionalInterface
    public interface ChunkListener {
        /** @param runningPpl the perplexity so far, NaN when it is not computed */
        void chunkDone(int chunk, int nChunk, double runningPpl);
    }

    /**
     * @param imatrix    the collected importance matrix
     * @param chunks     chunks evaluated
     * @param tokens     tokens evaluated
     * @param perplexity final perplexity estimate, NaN when not computed
     * @param warnings   entries skipped or patched when saving
     */
    public record Result(Imatrix imatrix, int chunks, long tokens, double perplexity, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    private final Session session;
    private final int nCtx;
    private final boolean addBos;
    private final int bosId;
    private final boolean computePpl;
    private final boolean processOutput;
    private final PrintStream log;
    private ChunkListener listener = (c, n, p) -> { };

    /**
     * @param session       evaluates the chunks; its context must hold n_ctx tokens
     * @param computePpl    also compute the running perplexity (needs the output logits)
     * @param processOutput also collect {@code output.weight}
     * @param log           where the running values and summary lines are printed
     */
    public ImatrixRunner(Session session, int nCtx, boolean addBos, int bosId, boolean computePpl, boolean processOutput,
                         PrintStream log) {
        if (nCtx < ImatrixAccumulator.MIN_DENSE_ROWS) {
            throw new IllegalArgumentException("n_ctx " + nCtx + " is too small, expected at least " + ImatrixAccumulator.MIN_DENSE_ROWS
                    + " (shorter products are not collected)");
        }
        if (session.cache().capacity() < nCtx) {
            throw new IllegalArgumentException("session context " + session.cache().capacity() + " < n_ctx " + nCtx);
        }
        this.session = session;
        this.nCtx = nCtx;
        this.addBos = addBos;
        this.bosId = bosId;
        this.computePpl = computePpl;
        this.processOutput = processOutput;
        this.log = log;
    }

    public ImatrixRunner onChunk(ChunkListener l) {
        this.listener = l;
        return this;
    }

    /** Chunks used for {@code nTokens} tokens and a {@code --chunks} limit (≤ 0: all). */
    public int chunkCount(int nTokens, int maxChunks) {
        int n = nTokens / nCtx;
        return maxChunks > 0 ? Math.min(maxChunks, n) : n;
    }

    /**
     * Collects the importance matrix over the chunks of {@code tokens}.
     *
     * @param dataset recorded in the result as the text it was computed on
     * @throws IllegalArgumentException when the text has fewer than 2·n_ctx tokens
     */
    public Result run(int[] tokens, int maxChunks, String dataset) {
        if (tokens.length < 2 * nCtx) {
            throw new IllegalArgumentException("you need at least " + 2 * nCtx + " tokens for a context of " + nCtx
                    + ", the text has " + tokens.length);
        }
        int nChunk = chunkCount(tokens.length, maxChunks);
        int first = nCtx / 2;
        int nVocab = session.model().hparams().nVocab();
        ImatrixAccumulator acc = new ImatrixAccumulator();
        PerplexityAccumulator ppl = new PerplexityAccumulator();
        log.printf(Locale.ROOT, "compute_imatrix: computing over %d chunks with n_ctx=%d%s%n", nChunk, nCtx,
                computePpl ? "" : " (no perplexity)");
        session.observe(new ImatrixCollector(acc, processOutput));
        try {
            for (int c = 0; c < nChunk; c++) {
                int[] chunk = Arrays.copyOfRange(tokens, c * nCtx, (c + 1) * nCtx);
                if (addBos) {
                    chunk[0] = bosId;
                }
                session.clear();
                // without perplexity no logits are needed: the output product is skipped
                float[] logits = session.evaluate(chunk, 0, nCtx, computePpl ? first : nCtx);
                double running = Double.NaN;
                if (computePpl) {
                    for (int p = first; p < nCtx - 1; p++) {
                        ppl.add(-LogSoftmax.logProb(logits, (p - first) * nVocab, nVocab, chunk[p + 1]));
                    }
                    running = ppl.perplexity();
                    log.printf(Locale.ROOT, "[%d]%.4f,", c + 1, running);
                    log.flush();
                }
                listener.chunkDone(c, nChunk, running);
            }
        } finally {
            session.observe(null);
        }
        if (computePpl) {
            log.println();
            log.printf(Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f%n", ppl.perplexity(), ppl.perplexityError());
        }
        List<String> warnings = new ArrayList<>();
        Imatrix im = acc.toImatrix(dataset, warnings::add);
        warnings.forEach(log::println);
        return new Result(im, nChunk, (long) nChunk * nCtx, computePpl ? ppl.perplexity() : Double.NaN, warnings);
    }
}
