package io.quantarena.core.eval;

import io.quantarena.core.model.Session;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * llama-perplexity's chunked evaluation (spec perplexity.md §2–§4): each chunk of n_ctx tokens is
 * a fresh sequence with its first token replaced by BOS (when the model adds BOS), and only the
 * predictions from position n_ctx/2 on are scored.
 */
public final class PerplexityRunner {

    /** Called after every chunk, e.g. to report progress or to stop early by throwing. */
    @FunctionalInterface
    public interface ChunkListener {
        void chunkDone(int chunk, int nChunk, double runningValue);
    }

    private final Session session;
    private final int nCtx;
    private final boolean addBos;
    private final int bosId;
    private final PrintStream log;
    /** Called after every chunk of a KL-divergence run with all statistics so far. */
    @FunctionalInterface
    public interface KldChunkListener {
        void chunkDone(int chunk, int nChunk, KldSummary running);
    }

    private ChunkListener listener = (c, n, v) -> { };
    private KldChunkListener kldListener = (c, n, s) -> { };

    /**
     * @param session evaluates the chunks; its context must hold n_ctx tokens
     * @param log     where the running values and the final lines are printed
     */
    public PerplexityRunner(Session session, int nCtx, boolean addBos, int bosId, PrintStream log) {
        if (nCtx < 4) {
            throw new IllegalArgumentException("n_ctx " + nCtx + " is too small, expected at least 4");
        }
        if (session.cache().capacity() < nCtx) {
            throw new IllegalArgumentException("session context " + session.cache().capacity() + " < n_ctx " + nCtx);
        }
        this.session = session;
        this.nCtx = nCtx;
        this.addBos = addBos;
        this.bosId = bosId;
        this.log = log;
    }

    public PerplexityRunner onChunk(ChunkListener l) {
        this.listener = l;
        return this;
    }

    public PerplexityRunner onKldChunk(KldChunkListener l) {
        this.kldListener = l;
        return this;
    }

    /** Number of chunks evaluated for {@code nTokens} tokens and a {@code --chunks} limit (≤ 0: all). */
    public int chunkCount(int nTokens, int maxChunks) {
        int n = nTokens / nCtx;
        return maxChunks > 0 ? Math.min(maxChunks, n) : n;
    }

    /**
     * Perplexity over the chunks of {@code tokens}; when {@code baseOut} is given, writes every
     * scored position's log-probabilities there (and accumulates the float nll of that mode).
     */
    public PerplexityResult perplexity(int[] tokens, int maxChunks, BaseLogitsWriter baseOut) {
        if (tokens.length < 2 * nCtx) {
            throw new IllegalArgumentException("you need at least " + 2 * nCtx + " tokens to evaluate perplexity with a context of "
                    + nCtx + ", the text has " + tokens.length);
        }
        int nChunk = chunkCount(tokens.length, maxChunks);
        int first = nCtx / 2;
        int nVocab = session.model().hparams().nVocab();
        log.printf(Locale.ROOT, "perplexity: calculating perplexity over %d chunks, n_ctx=%d%n", nChunk, nCtx);
        PerplexityAccumulator acc = new PerplexityAccumulator();
        double[] running = new double[nChunk];
        for (int c = 0; c < nChunk; c++) {
            float[] logits = evaluateChunk(tokens, c * nCtx, first);
            for (int p = first; p < nCtx - 1; p++) {
                int target = tokens[c * nCtx + p + 1];
                int off = (p - first) * nVocab;
                if (baseOut != null) {
                    try {
                        acc.add(baseOut.write(logits, off, target));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                } else {
                    acc.add(-LogSoftmax.logProb(logits, off, nVocab, target));
                }
            }
            running[c] = acc.perplexity();
            log.printf(Locale.ROOT, "[%d]%.4f,", c + 1, running[c]);
            log.flush();
            listener.chunkDone(c, nChunk, running[c]);
        }
        log.println();
        double ppl = acc.perplexity();
        double err = acc.perplexityError();
        if (Double.isNaN(err)) {
            log.println("Unexpected negative standard deviation of log(prob)");
        } else {
            log.printf(Locale.ROOT, "Final estimate: PPL over %d chunks for n_ctx=%d = %.4f +/- %.5f%n", nChunk, nCtx, ppl, err);
        }
        return new PerplexityResult(nCtx, nChunk, acc.count(), ppl, err, running);
    }

    /**
     * KL-divergence of this model against a base file (its n_ctx and tokens define the chunks);
     * prints the per-chunk lines and, for ≥ 100 positions, the final report.
     */
    public KldSummary klDivergence(BaseLogitsFile base, int maxChunks) {
        if (base.nCtx() != nCtx) {
            throw new IllegalArgumentException("base file n_ctx " + base.nCtx() + " differs from this run's n_ctx " + nCtx);
        }
        int nVocab = session.model().hparams().nVocab();
        if (base.nVocab() != nVocab) {
            log.printf(Locale.ROOT, "warning: base file n_vocab %d differs from the model's %d%n", base.nVocab(), nVocab);
        }
        int[] tokens = base.tokens();
        int nChunk = maxChunks > 0 ? Math.min(maxChunks, base.nChunk()) : base.nChunk();
        int first = nCtx / 2;
        KlDivergenceStats stats = new KlDivergenceStats();
        float[] lb = new float[Math.max(nVocab, base.nVocab())];
        log.println(KlDivergenceStats.CHUNK_HEADER);
        for (int c = 0; c < nChunk; c++) {
            float[] logits = evaluateChunk(tokens, c * nCtx, first);
            for (int p = first; p < nCtx - 1; p++) {
                int target = tokens[c * nCtx + p + 1];
                base.record(c, p - first).logProbs(lb);
                stats.add(logits, (p - first) * nVocab, Math.min(nVocab, base.nVocab()), lb, target);
            }
            log.println(stats.chunkLine(c + 1));
            log.flush();
            KldSummary running = stats.summary();
            listener.chunkDone(c, nChunk, running.kldMean());
            kldListener.chunkDone(c, nChunk, running);
        }
        KldSummary s = stats.summary();
        if (stats.count() >= 100) {
            log.println();
            log.print(KlDivergenceStats.report(s));
        }
        return s;
    }

    /** Logits of positions first … n_ctx−1 of the chunk starting at {@code start}. */
    private float[] evaluateChunk(int[] tokens, int start, int first) {
        int[] chunk = java.util.Arrays.copyOfRange(tokens, start, start + nCtx);
        if (addBos) {
            chunk[0] = bosId;
        }
        session.clear();
        return session.evaluate(chunk, 0, nCtx, first);
    }
}
