package io.quantarena.core.cli;

import io.quantarena.core.eval.ImatrixComputation;
import io.quantarena.core.eval.ImatrixRunner;
import io.quantarena.core.imatrix.ImatrixFiles;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code imatrix -m BASE.gguf -f TEXT [-c 512] [--chunks N] [-o FILE]}: llama-imatrix's
 * importance matrix (spec/quantize-tool.md §6.3), written in the legacy {@code .dat} format that
 * {@code quantize --imatrix} reads.
 */
public final class ImatrixCommand implements Command {

    private static final Set<String> FLAGS = Set.of("--no-ppl");
    private static final Set<String> OPTIONS = Set.of("-m", "--model", "-f", "--file", "-c", "--ctx-size", "--chunks", "-o",
            "--output-file", "-t", "--threads");

    @Override
    public String name() {
        return "imatrix";
    }

    @Override
    public String usage() {
        return "imatrix -m MODEL.gguf -f TEXT [-c 512] [--chunks N] [-o imatrix.dat] [-t THREADS] [--no-ppl]";
    }

    @Override
    public String summary() {
        return "compute an importance matrix on a calibration text, as llama-imatrix";
    }

    @Override
    public int run(List<String> args, PrintStream out) throws Exception {
        CliArgs a = CliArgs.parse(name(), args, FLAGS, OPTIONS).expectPositionals(0, 0, "no positional arguments");
        Path model = Path.of(RuntimeOptions.model(a));
        String text = a.option("-f").or(() -> a.option("--file"))
                .orElseThrow(() -> new CliException("a calibration text is required (-f TEXT)"));
        int nCtx = RuntimeOptions.positiveInt(a, "-c", RuntimeOptions.positiveInt(a, "--ctx-size", ImatrixComputation.DEFAULT_N_CTX));
        int chunks = a.intOption("--chunks", -1);
        Path output = Path.of(a.option("-o").or(() -> a.option("--output-file")).orElse("imatrix.dat"));
        ImatrixComputation job;
        try {
            job = new ImatrixComputation(model, Path.of(text), text, nCtx, chunks, RuntimeOptions.threads(a), !a.flag("--no-ppl"));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        long t0 = System.nanoTime();
        ImatrixRunner.Result r = job.run(out, (c, n, ppl) -> { });
        ImatrixFiles.write(r.imatrix(), output);
        out.printf(Locale.ROOT, "save_imatrix: stored collected data after %d chunks in %s (%d entries, %d tokens, %.2f s)%n",
                r.chunks(), output, r.imatrix().size(), r.tokens(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
