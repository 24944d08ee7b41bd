package io.quantarena.core.cli;

import io.quantarena.core.model.CpuBackend;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.model.Session;
import io.quantarena.core.sampling.Generator;
import io.quantarena.core.sampling.Sampler;
import io.quantarena.core.sampling.SamplerConfig;
import io.quantarena.core.tokenizer.SpecialTokenIds;
import io.quantarena.core.tokenizer.TokenStreamDecoder;
import io.quantarena.core.tokenizer.Tokenizer;
import io.quantarena.core.tokenizer.Tokenizers;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntPredicate;

/** {@code generate}: text continuation of a prompt with llama.cpp's samplers and timing lines. */
public final class GenerateCommand implements Command {

    private static final Set<String> FLAGS = Set.of("--ignore-eos");
    private static final Set<String> OPTIONS;

    static {
        Set<String> s = new HashSet<>(RuntimeOptions.NAMES);
        s.addAll(Set.of("-p", "--prompt", "-n", "--n-predict", "-c", "--ctx-size", "-b", "--batch-size", "--temp",
                "--top-k", "--top-p", "--min-p", "--repeat-penalty", "--repeat-last-n", "-s", "--seed"));
        OPTIONS = Set.copyOf(s);
    }

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String usage() {
        return "generate -m MODEL -p PROMPT [-n 128] [--temp 0.8] [--top-k 40] [--top-p 0.95] [--min-p 0.05]"
                + " [--repeat-penalty 1.0] [--repeat-last-n 64] [-s SEED] [-c CTX] [-t THREADS] [--override-kv KEY=TYPE:VALUE]..."
                + " [-ctk f16|f32|q8_0] [--ignore-eos]   (--temp 0: greedy)";
    }

    @Override
    public String summary() {
        return "generate text from a prompt (greedy or sampled), with timings";
    }

    @Override
    public int run(List<String> args, PrintStream out) throws Exception {
        CliArgs a = CliArgs.parse(name(), args, FLAGS, OPTIONS).expectPositionals(0, 0, "no positional arguments");
        Path modelPath = Path.of(RuntimeOptions.model(a));
        String prompt = a.option("-p").or(() -> a.option("--prompt"))
                .orElseThrow(() -> new CliException("a prompt is required (-p PROMPT)"));
        int nPredict = RuntimeOptions.positiveInt(a, "-n", RuntimeOptions.positiveInt(a, "--n-predict", 128));
        int threads = RuntimeOptions.threads(a);
        String seedText = a.option("-s").or(() -> a.option("--seed")).orElse("-1");
        long seed;
        try {
            seed = Long.parseLong(seedText.trim());
        } catch (NumberFormatException e) {
            throw new CliException("option --seed needs an integer, got '" + seedText + "'");
        }
        if (seed < 0) {
            seed = System.nanoTime();
        }
        SamplerConfig cfg;
        try {
            cfg = new SamplerConfig(floatOption(a, "--temp", 0.8f), a.intOption("--top-k", 40),
                    floatOption(a, "--top-p", 0.95f), floatOption(a, "--min-p", 0.05f),
                    floatOption(a, "--repeat-penalty", 1.0f), a.intOption("--repeat-last-n", 64), seed);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }

        long t0 = System.nanoTime();
        try (ModelFile mf = ModelFile.open(modelPath, RuntimeOptions.overrides(a));
             CpuBackend backend = new CpuBackend(threads)) {
            Tokenizer tok = Tokenizers.fromGguf(mf.gguf().metadata());
            int nCtx = RuntimeOptions.positiveInt(a, "-c", RuntimeOptions.positiveInt(a, "--ctx-size",
                    Math.min(4096, mf.hparams().nCtxTrain())));
            int batch = RuntimeOptions.positiveInt(a, "-b", RuntimeOptions.positiveInt(a, "--batch-size", 512));
            int[] ids = tok.encode(prompt, tok.vocabulary().addBos(), true);
            if (ids.length + 1 > nCtx) {
                throw new CliException("prompt of " + ids.length + " tokens does not fit the context of " + nCtx);
            }
            int maxNew = Math.min(nPredict, nCtx - ids.length);
            Session session = new Session(mf.model(), backend, nCtx, batch, RuntimeOptions.cacheType(a));
            double loadMs = (System.nanoTime() - t0) / 1e6;
            SpecialTokenIds sp = tok.vocabulary().specialIds();
            boolean ignoreEos = a.flag("--ignore-eos");
            IntPredicate stop = id -> !ignoreEos && (id == sp.eos() || id == sp.eot() || id == sp.eom());
            TokenStreamDecoder decoder = new TokenStreamDecoder(tok, true, false);
            StringBuilder promptText = new StringBuilder();
            for (int id : ids) {
                promptText.append(decoder.append(id));
            }
            out.print(promptText);
            out.flush();
            Generator.Result r = Generator.generate(session, ids, maxNew, new Sampler(cfg), stop, id -> {
                if (!stop.test(id)) {
                    out.print(decoder.append(id));
                    out.flush();
                }
            });
            out.println(decoder.finish());
            out.println();
            double promptMs = r.promptNanos() / 1e6;
            double evalMs = r.evalNanos() / 1e6;
            out.printf(Locale.ROOT, "generate: seed = %d, sampling: %s%n", seed, cfg.isGreedy() ? "greedy"
                    : String.format(Locale.ROOT, "temp %.2f, top-k %d, top-p %.2f, min-p %.2f, repeat-penalty %.2f (last %d)",
                    cfg.temperature(), cfg.topK(), cfg.topP(), cfg.minP(), cfg.repeatPenalty(), cfg.repeatLastN()));
            out.printf(Locale.ROOT, "generate:        load time = %10.2f ms%n", loadMs);
            out.printf(Locale.ROOT, "generate: prompt eval time = %10.2f ms / %5d tokens (%8.2f ms per token, %8.2f tokens per second)%n",
                    promptMs, r.promptTokens(), promptMs / r.promptTokens(), r.promptTokensPerSecond());
            out.printf(Locale.ROOT, "generate:        eval time = %10.2f ms / %5d runs   (%8.2f ms per token, %8.2f tokens per second)%n",
                    evalMs, r.evalRuns(), r.evalRuns() == 0 ? 0 : evalMs / r.evalRuns(),
                    r.evalRuns() == 0 ? 0 : r.evalTokensPerSecond());
            out.printf(Locale.ROOT, "generate:       total time = %10.2f ms / %5d tokens%n", (System.nanoTime() - t0) / 1e6,
                    r.promptTokens() + r.tokens().length);
            return 0;
        }
    }

    private static float floatOption(CliArgs a, String name, float fallback) {
        String v = a.option(name).orElse(null);
        if (v == null) {
            return fallback;
        }
        try {
            return Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException("option " + name + " needs a number, got '" + v + "'");
        }
    }
}
