package io.quantarena.evalworker;

import io.quantarena.core.eval.BaseLogitsFile;
import io.quantarena.core.eval.BaseLogitsWriter;
import io.quantarena.core.eval.KldSummary;
import io.quantarena.core.eval.PerplexityResult;
import io.quantarena.core.eval.PerplexityRunner;
import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.model.CpuBackend;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.KvOverride;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.model.Session;
import io.quantarena.core.tokenizer.Tokenizer;
import io.quantarena.core.tokenizer.Tokenizers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * core's llama-perplexity method, as the worker runs it: the base model's log-probabilities to a
 * base file, perplexity on a text, KL-divergence against a base file. One chunk is one sequence of
 * n_ctx tokens (a batch of n_ctx), KV cache f16, as llama-perplexity's defaults.
 */
public final class CoreEvaluation {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private CoreEvaluation() {
    }

    /** After each chunk: chunks done, total, running perplexity and (KL-divergence runs) running mean KLD. */
    @FunctionalInterface
    public interface Progress {
        void chunkDone(int done, int total, double runningPpl, Double runningKld);
    }

    /**
     * @param expertUsedCount experts per token after overrides; null for a dense model
     * @param kld             null for a perplexity run
     */
    public record Measurement(int nCtx, int chunks, long tokensScored, double ppl, Double pplError, KldSummary kld,
                              Integer expertUsedCount, double seconds) {
    }

    /** The text as the model tokenizes it for perplexity (BOS added when the model adds one). */
    public static int[] tokenize(Path model, String text) throws IOException {
        try (GgufFile gguf = GgufFile.open(model)) {
            Tokenizer tok = Tokenizers.fromGguf(gguf.metadata());
            if (tok.vocabulary().addEos()) {
                throw new IllegalArgumentException("the tokenizer of " + model.getFileName()
                        + " adds EOS; perplexity requires a model that does not");
            }
            return tok.encode(text, tok.vocabulary().addBos(), true);
        }
    }

    /** Chunks evaluated for {@code nTokens} tokens and an optional limit, as llama-perplexity counts them. */
    public static int chunkCount(int nTokens, int nCtx, Integer maxChunks) {
        if (nTokens < 2 * nCtx) {
            throw new IllegalArgumentException("the text has " + nTokens + " tokens; evaluating with n_ctx " + nCtx
                    + " needs at least " + 2 * nCtx);
        }
        int n = nTokens / nCtx;
        return maxChunks != null && maxChunks > 0 ? Math.min(maxChunks, n) : n;
    }

    /** The {@code --override-kv <arch>.expert_used_count=int:K} entry for {@code model}; none for null. */
    public static List<KvOverride> expertOverride(Path model, Integer expertUsedCount) throws IOException {
        if (expertUsedCount == null) {
            return List.of();
        }
        try (GgufFile gguf = GgufFile.open(model)) {
            String arch = gguf.metadata().getString("general.architecture");
            return List.of(new KvOverride(arch + ".expert_used_count", KvOverride.Type.INT, (long) expertUsedCount));
        }
    }

    /** Runs the base model over the chunks and writes every scored position's log-probabilities to {@code out}. */
    public static Measurement writeBaseLogits(Path baseModel, int[] tokens, int nCtx, int nChunk, Path out, int threads,
                                              Progress progress) throws IOException {
        try (ModelFile mf = ModelFile.open(baseModel, List.of()); CpuBackend backend = CpuBackend.forEvaluation(threads)) {
            PerplexityRunner runner = runner(mf, backend, nCtx)
                    .onChunk((c, n, ppl) -> progress.chunkDone(c + 1, n, ppl, null));
            long t0 = System.nanoTime();
            try (BaseLogitsWriter w = new BaseLogitsWriter(out, nCtx, mf.hparams().nVocab(), nChunk, tokens)) {
                PerplexityResult r = runner.perplexity(tokens, nChunk, w);
                return measurement(r, null, mf, t0);
            }
        }
    }

    /** Perplexity of {@code model} over the first {@code nChunk} chunks of {@code tokens}. */
    public static Measurement perplexity(Path model, List<KvOverride> overrides, int[] tokens, int nCtx, int nChunk,
                                         int threads, Progress progress) throws IOException {
        try (ModelFile mf = ModelFile.open(model, overrides); CpuBackend backend = CpuBackend.forEvaluation(threads)) {
            PerplexityRunner runner = runner(mf, backend, nCtx)
                    .onChunk((c, n, ppl) -> progress.chunkDone(c + 1, n, ppl, null));
            long t0 = System.nanoTime();
            return measurement(runner.perplexity(tokens, nChunk, null), null, mf, t0);
        }
    }

    /** KL-divergence of {@code model} against every chunk of a base file. */
    public static Measurement klDivergence(Path model, List<KvOverride> overrides, Path baseFile, int threads,
                                           Progress progress) throws IOException {
        try (ModelFile mf = ModelFile.open(model, overrides); CpuBackend backend = CpuBackend.forEvaluation(threads);
             BaseLogitsFile base = BaseLogitsFile.open(baseFile)) {
            if (base.nVocab() != mf.hparams().nVocab()) {
                throw new IllegalArgumentException("the base log-probabilities have n_vocab " + base.nVocab() + ", "
                        + model.getFileName() + " has " + mf.hparams().nVocab());
            }
            PerplexityRunner runner = runner(mf, backend, base.nCtx())
                    .onKldChunk((c, n, s) -> progress.chunkDone(c + 1, n, s.pplQ(), s.kldMean()));
            long t0 = System.nanoTime();
            KldSummary s = runner.klDivergence(base, 0);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Measurement(base.nCtx(), base.nChunk(), s.count(), s.pplQ(),
                    s.count() > 10 ? s.pplQErr() : null, s, expertsUsed(mf), seconds);
        }
    }

    private static PerplexityRunner runner(ModelFile mf, CpuBackend backend, int nCtx) {
        Tokenizer tok = Tokenizers.fromGguf(mf.gguf().metadata());
        Session session = new Session(mf.model(), backend, nCtx, nCtx, KvCacheType.F16);
        return new PerplexityRunner(session, nCtx, tok.vocabulary().addBos(), tok.vocabulary().specialIds().bos(), QUIET);
    }

    private static Measurement measurement(PerplexityResult r, KldSummary kld, ModelFile mf, long t0) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Measurement(r.nCtx(), r.chunks(), r.scored(), r.ppl(), Double.isNaN(r.pplError()) ? null : r.pplError(),
                kld, expertsUsed(mf), seconds);
    }

    private static Integer expertsUsed(ModelFile mf) {
        return mf.hparams().nExpert() > 0 ? mf.hparams().nExpertUsed() : null;
    }
}
