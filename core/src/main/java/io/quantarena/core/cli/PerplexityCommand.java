package io.quantarena.core.cli;

import io.quantarena.core.eval.BaseLogitsFile;
import io.quantarena.core.eval.BaseLogitsWriter;
import io.quantarena.core.eval.PerplexityRunner;
import io.quantarena.core.model.CpuBackend;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.model.Session;
import io.quantarena.core.tokenizer.Tokenizer;
import io.quantarena.core.tokenizer.Tokenizers;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code perplexity}: llama-perplexity's perplexity and KL-divergence modes (spec perplexity.md
 * §2–§4) with the same output lines.
 */
public final class PerplexityCommand implements Command {

    private static final Set<String> FLAGS = Set.of("--kl-divergence");
    private static final Set<String> OPTIONS;

    static {
        Set<String> s = new HashSet<>(RuntimeOptions.NAMES);
        s.addAll(Set.of("-f", "--file", "-c", "--ctx-size", "--chunks", "-b", "--batch-size", "--kl-divergence-base",
                "--save-all-logits"));
        OPTIONS = Set.copyOf(s);
    }

    @Override
    public String name() {
        return "perplexity";
    }

    @Override
    public String usage() {
        return "perplexity -m MODEL -f TEXT [-c 512] [--chunks N] [-b 2048] [-t THREADS] [--override-kv KEY=TYPE:VALUE]..."
                + " [-ctk f16|f32|q8_0] [--kl-divergence-base FILE [--kl-divergence]]";
    }

    @Override
    public String summary() {
        return "perplexity / KL-divergence of a model on a text, as llama-perplexity";
    }

    @Override
    public int run(List<String> args, PrintStream out) throws Exception {
        CliArgs a = CliArgs.parse(name(), args, FLAGS, OPTIONS).expectPositionals(0, 0, "no positional arguments");
        Path modelPath = Path.of(RuntimeOptions.model(a));
        int nCtx = RuntimeOptions.positiveInt(a, "-c", RuntimeOptions.positiveInt(a, "--ctx-size", 512));
        int chunks = a.intOption("--chunks", -1);
        int batch = RuntimeOptions.positiveInt(a, "-b", RuntimeOptions.positiveInt(a, "--batch-size", 2048));
        int threads = RuntimeOptions.threads(a);
        String base = a.option("--kl-divergence-base").or(() -> a.option("--save-all-logits")).orElse(null);
        boolean kld = a.flag("--kl-divergence");
        if (kld && base == null) {
            throw new CliException("--kl-divergence needs --kl-divergence-base FILE");
        }
        String text = a.option("-f").or(() -> a.option("--file")).orElse(null);
        if (!kld && text == null) {
            throw new CliException("a text file is required (-f TEXT)");
        }
        if (batch >= nCtx && batch % nCtx != 0) {
            throw new CliException("batch size " + batch + " must be smaller than the context " + nCtx + " or a multiple of it");
        }

        long t0 = System.nanoTime();
        try (ModelFile mf = ModelFile.open(modelPath, RuntimeOptions.overrides(a));
             CpuBackend backend = CpuBackend.forEvaluation(threads)) {
            Tokenizer tok = Tokenizers.fromGguf(mf.gguf().metadata());
            boolean addBos = tok.vocabulary().addBos();
            int bos = tok.vocabulary().specialIds().bos();
            if (tok.vocabulary().addEos()) {
                throw new IllegalStateException("the model's tokenizer adds EOS; perplexity requires a model that does not");
            }
            out.printf(Locale.ROOT, "perplexity: model %s (%s, %d layers, n_embd %d, %d experts), %s, loaded in %.0f ms%n",
                    modelPath.getFileName(), mf.hparams().arch().ggufName(), mf.hparams().nLayer(), mf.hparams().nEmbd(),
                    mf.hparams().nExpert(), backend.description(), (System.nanoTime() - t0) / 1e6);
            if (kld) {
                try (BaseLogitsFile baseFile = BaseLogitsFile.open(Path.of(base))) {
                    if (baseFile.nCtx() != nCtx) {
                        out.printf(Locale.ROOT, "perplexity: using n_ctx %d of the base file (-c was %d)%n", baseFile.nCtx(), nCtx);
                    }
                    Session session = new Session(mf.model(), backend, baseFile.nCtx(), Math.min(batch, baseFile.nCtx()),
                            RuntimeOptions.cacheType(a));
                    new PerplexityRunner(session, baseFile.nCtx(), addBos, bos, out).klDivergence(baseFile, chunks);
                }
                return 0;
            }
            long tt = System.nanoTime();
            int[] tokens = tok.encode(Files.readString(Path.of(text)), addBos, true);
            out.printf(Locale.ROOT, "perplexity: tokenization took %.0f ms, %d tokens%n", (System.nanoTime() - tt) / 1e6,
                    tokens.length);
            Session session = new Session(mf.model(), backend, nCtx, Math.min(batch, nCtx), RuntimeOptions.cacheType(a));
            PerplexityRunner runner = new PerplexityRunner(session, nCtx, addBos, bos, out);
            if (base != null) {
                int nChunk = runner.chunkCount(tokens.length, chunks);
                try (BaseLogitsWriter w = new BaseLogitsWriter(Path.of(base), nCtx, mf.hparams().nVocab(), nChunk, tokens)) {
                    runner.perplexity(tokens, chunks, w);
                }
            } else {
                runner.perplexity(tokens, chunks, null);
            }
            return 0;
        }
    }
}
