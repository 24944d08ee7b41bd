package io.quantarena.core.eval;

import io.quantarena.core.model.CpuBackend;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.model.Session;
import io.quantarena.core.tokenizer.Tokenizer;
import io.quantarena.core.tokenizer.Tokenizers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Computes an importance matrix for a model from a text file like {@code llama-imatrix -m MODEL
 * -f TEXT -c N_CTX [--chunks N]} (spec/quantize-tool.md §6.3): the whole text tokenized once
 * with special tokens (BOS first when the model adds it), micro-batches of at most 512 tokens,
 * an f16 KV cache.
 *
 * @param model      the model file (usually the unquantized base)
 * @param text       the calibration text
 * @param dataset    name recorded in the imatrix as its dataset (llama-imatrix records the -f argument)
 * @param nCtx       tokens per chunk
 * @param maxChunks  at most this many chunks; 0 or less: all
 * @param threads    CPU threads
 * @param computePpl also print and return the running perplexity
 */
public record ImatrixComputation(Path model, Path text, String dataset, int nCtx, int maxChunks, int threads,
                                 boolean computePpl) {

    /** llama-imatrix's default micro-batch (n_ubatch). */
    public static final int UBATCH = 512;
    /** llama-imatrix's default context. */
    public static final int DEFAULT_N_CTX = 512;

    public ImatrixComputation {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(text, "text");
        if (nCtx <= 0) {
            throw new IllegalArgumentException("n_ctx " + nCtx + ", expected > 0");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("thread count " + threads + ", expected >= 1");
        }
    }

    /**
     * Runs the computation.
     *
     * @param log      receives the progress lines of the tool
     * @param listener called after each chunk (may throw to stop, e.g. a CancellationException)
     */
    public ImatrixRunner.Result run(PrintStream log, ImatrixRunner.ChunkListener listener) throws IOException {
        long t0 = System.nanoTime();
        try (ModelFile mf = ModelFile.open(model, List.of());
             CpuBackend backend = CpuBackend.forEvaluation(threads)) {
            Tokenizer tok = Tokenizers.fromGguf(mf.gguf().metadata());
            boolean addBos = tok.vocabulary().addBos();
            int bos = tok.vocabulary().specialIds().bos();
            int[] tokens = tok.encode(Files.readString(text), addBos, true);
            log.printf(Locale.ROOT, "compute_imatrix: model %s (%s, %d layers, %d experts), %s; tokenized %s: %d tokens in %.0f ms%n",
                    model.getFileName(), mf.hparams().arch().ggufName(), mf.hparams().nLayer(), mf.hparams().nExpert(),
                    backend.description(), text.getFileName(), tokens.length, (System.nanoTime() - t0) / 1e6);
            Session session = new Session(mf.model(), backend, nCtx, Math.min(UBATCH, nCtx), KvCacheType.F16);
            return new ImatrixRunner(session, nCtx, addBos, bos, computePpl, false, log)
                    .onChunk(listener)
                    .run(tokens, maxChunks, dataset);
        }
    }
}
