package io.quantarena.core.cli;

import io.quantarena.core.model.Architecture;
import io.quantarena.core.synth.SynthShape;
import io.quantarena.core.synth.SyntheticModel;
import io.quantarena.core.synth.SyntheticModelWriter;
import io.quantarena.core.tensor.GgmlType;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code synth}: writes a full-size model with random weights (N(0, 0.02²), norms 1, a synthetic
 * byte-level vocabulary) in any weight type, for speed benchmarks.
 */
public final class SynthCommand implements Command {

    private static final Set<String> OPTIONS = Set.of("--arch", "--shape", "--type", "-o", "--output", "-t", "--threads",
            "--seed", "--layers", "--vocab");

    @Override
    public String name() {
        return "synth";
    }

    @Override
    public String usage() {
        return "synth --shape 1b|8b-moe [--arch llama|llama4] --type TYPE -o OUT.gguf [-t THREADS] [--seed 42]"
                + " [--layers N] [--vocab N]   (1b: Llama-3.2-1B, llama; 8b-moe: Llama-4-style MoE, llama4)";
    }

    @Override
    public String summary() {
        return "write a full-size model with random weights in any type (for speed benchmarks)";
    }

    @Override
    public int run(List<String> args, PrintStream out) throws Exception {
        CliArgs a = CliArgs.parse(name(), args, Set.of(), OPTIONS).expectPositionals(0, 0, "no positional arguments");
        SynthShape shape;
        GgmlType type;
        try {
            shape = SynthShape.byName(a.option("--shape").orElseThrow(() -> new CliException("a shape is required (--shape 1b|8b-moe)")));
            type = GgmlType.byName(a.option("--type").orElseThrow(() -> new CliException("a weight type is required (--type Q4_K)")));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        if (a.option("--arch").isPresent()) {
            Architecture arch;
            try {
                arch = Architecture.fromGguf(a.option("--arch").get());
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            if (arch != shape.arch()) {
                throw new CliException("shape " + shape.name() + " is a " + shape.arch().ggufName() + " model, not "
                        + arch.ggufName());
            }
        }
        if (a.option("--layers").isPresent()) {
            shape = shape.withLayers(RuntimeOptions.positiveInt(a, "--layers", shape.nLayer()));
        }
        if (a.option("--vocab").isPresent()) {
            shape = shape.withVocab(RuntimeOptions.positiveInt(a, "--vocab", shape.nVocab()));
        }
        Path output = Path.of(a.option("-o").or(() -> a.option("--output"))
                .orElseThrow(() -> new CliException("an output file is required (-o OUT.gguf)")));
        int threads = RuntimeOptions.threads(a);
        long seed;
        try {
            seed = Long.parseLong(a.option("--seed").orElse("42").trim());
        } catch (NumberFormatException e) {
            throw new CliException("option --seed needs an integer, got '" + a.option("--seed").get() + "'");
        }
        SyntheticModel model;
        try {
            model = SyntheticModel.plan(shape, type);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        out.printf(Locale.ROOT, "synth: %s %s in %s: %d tensors, %.3f B parameters, %.2f GiB of tensor data -> %s%n",
                shape.arch().ggufName(), shape.name(), type.typeName(), model.tensors().size(),
                model.parameterCount() / 1e9, model.tensorBytes() / (double) (1L << 30), output);
        long t0 = System.nanoTime();
        int[] lastDecile = {-1};
        SyntheticModelWriter.write(model, output, threads, seed, (i, n, tensor, bytes) -> {
            int decile = 10 * (i + 1) / n;
            if (decile != lastDecile[0]) {
                lastDecile[0] = decile;
                out.printf(Locale.ROOT, "synth: %3d%%  %d/%d tensors, %.2f GiB, %.0f s%n", 10 * decile, i + 1, n,
                        bytes / (double) (1L << 30), (System.nanoTime() - t0) / 1e9);
                out.flush();
            }
        });
        out.printf(Locale.ROOT, "synth: wrote %s (%d bytes) in %.1f s with %d threads%n", output, Files.size(output),
                (System.nanoTime() - t0) / 1e9, threads);
        return 0;
    }
}
