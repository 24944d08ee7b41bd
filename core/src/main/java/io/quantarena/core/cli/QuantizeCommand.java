package io.quantarena.core.cli;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixFiles;
import io.quantarena.core.recipe.CustomQuantRule;
import io.quantarena.core.recipe.KvOverride;
import io.quantarena.core.recipe.ModelFacts;
import io.quantarena.core.recipe.ModelQuantizer;
import io.quantarena.core.recipe.PlannedTensor;
import io.quantarena.core.recipe.QuantPlan;
import io.quantarena.core.recipe.QuantizeResult;
import io.quantarena.core.recipe.Recipe;
import io.quantarena.core.recipe.TensorTypePlanner;
import io.quantarena.core.recipe.TypeOption;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code quantize [options] IN.gguf [OUT.gguf] FTYPE [threads]}: llama-quantize's command line
 * (spec/quantize-tool.md §1). With {@code --dry-run} it prints the per-tensor plan, total size
 * and bits per weight and writes nothing.
 */
public final class QuantizeCommand implements Command {

    static final Set<String> FLAGS = Set.of("--dry-run", "--pure", "--leave-output-tensor", "--allow-requantize",
            "--ignore-imatrix-rules", "--hide-imatrix");
    static final Set<String> OPTIONS;

    static {
        Set<String> o = new HashSet<>(Set.of("--imatrix", "--custom-q", "--override-kv", "--include-weights", "--exclude-weights"));
        Arrays.stream(TypeOption.values()).map(TypeOption::cliName).forEach(o::add);
        OPTIONS = Set.copyOf(o);
    }

    private static final double MIB = 1024.0 * 1024.0;

    @Override
    public String name() {
        return "quantize";
    }

    @Override
    public String usage() {
        return "quantize [--dry-run] [--imatrix FILE] [--custom-q \"regex=type,...\"] [--pure] [--token-embedding-type T]"
                + " [--output-tensor-type T] [--override-kv KEY=TYPE:VALUE] [...] IN.gguf [OUT.gguf] FTYPE [threads]";
    }

    @Override
    public String summary() {
        return "quantize a GGUF model with a llama-quantize recipe (ftype, --custom-q rules, imatrix)";
    }

    /** The parsed command line; threads 0 means all processors. */
    record Invocation(Path input, Path output, Recipe recipe, int threads, boolean dryRun, Path imatrixPath,
                      List<String> includeWeights, List<String> excludeWeights) {
    }

    @Override
    public int run(List<String> argv, PrintStream out) throws Exception {
        Invocation inv = parse(argv);
        Imatrix imatrix = null;
        if (inv.imatrixPath() != null) {
            imatrix = ImatrixFiles.read(inv.imatrixPath());
            try {
                imatrix = imatrix.filtered(inv.includeWeights(), inv.excludeWeights());
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            out.printf("imatrix: %s (%d entries, %d chunks%s)%n", inv.imatrixPath(), imatrix.size(), imatrix.chunkCount(),
                    imatrix.dataset().map(d -> ", dataset " + d).orElse(""));
        }
        try (GgufFile in = GgufFile.open(inv.input())) {
            QuantPlan plan = TensorTypePlanner.plan(in, inv.recipe(), imatrix);
            ModelFacts facts = ModelFacts.of(in.metadata(), in.tensors());
            out.printf("recipe: %s%n", inv.recipe().text());
            out.printf("model: %s (%s, %d layers, %d heads / %d kv, %d experts), %d tensors%n", inv.input(), facts.arch(),
                    facts.nLayer(), facts.nHead(), facts.nHeadKv(), facts.nExpert(), plan.tensors().size());
            for (String w : plan.warnings()) {
                out.println("warning: " + w);
            }
            if (inv.dryRun()) {
                printPlan(plan, out);
                printTotals(plan, in.tensorBytes(), out);
                return 0;
            }
            long start = System.nanoTime();
            List<PlannedTensor> tensors = plan.tensors();
            int width = tensors.stream().mapToInt(t -> t.name().length()).max().orElse(10);
            int threads = inv.threads() > 0 ? inv.threads() : Runtime.getRuntime().availableProcessors();
            QuantizeResult res = new ModelQuantizer().run(in, plan, imatrix, inv.output(), threads,
                    (index, count, name, type, bytesWritten) -> {
                        PlannedTensor p = tensors.get(index);
                        out.printf("[%4d/%4d] %-" + width + "s %-22s %-6s -> %-7s %9.3f MiB%s%n", index + 1, count, name,
                                p.source().shapeString(), p.source().type().typeName(), type.typeName(), p.bytes() / MIB,
                                p.convert() ? "" : "  (copied)");
                    });
            printTotals(plan, in.tensorBytes(), out);
            out.printf("wrote %s: %,d bytes in %.2f s%n", inv.output(), res.fileBytes(), (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }

    static Invocation parse(List<String> argv) {
        CliArgs a = CliArgs.parse("quantize", argv, FLAGS, OPTIONS).expectPositionals(2, 4, "IN.gguf [OUT.gguf] FTYPE [threads]");
        List<String> pos = a.positionals();
        Path input = Path.of(pos.get(0));
        Path output;
        String ftypeArg;
        int next;
        if (LlamaFileType.isQuantizeName(pos.get(1))) { // output omitted, as llama-quantize allows
            ftypeArg = pos.get(1);
            output = null;
            next = 2;
        } else {
            if (pos.size() < 3) {
                throw new CliException("'" + pos.get(1) + "' is not a quantization type, and no FTYPE follows it");
            }
            output = Path.of(pos.get(1));
            ftypeArg = pos.get(2);
            next = 3;
        }
        if (pos.size() > next + 1) {
            throw new CliException("unexpected argument '" + pos.get(next + 1) + "'");
        }
        int threads = 0;
        if (pos.size() > next) {
            try {
                threads = Integer.parseInt(pos.get(next).trim());
            } catch (NumberFormatException e) {
                throw new CliException("thread count must be an integer, got '" + pos.get(next) + "'");
            }
        }
        Recipe recipe;
        try {
            LlamaFileType ftype = LlamaFileType.fromQuantizeName(ftypeArg);
            recipe = Recipe.of(ftype);
            for (String rules : a.options("--custom-q")) {
                recipe = recipe.withCustomRules(rules);
            }
            for (TypeOption o : TypeOption.values()) {
                if (a.option(o.cliName()).isPresent()) {
                    String t = a.option(o.cliName()).get();
                    try {
                        recipe = recipe.withType(o, CustomQuantRule.exactType(t));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(o.cliName() + ": " + e.getMessage(), e);
                    }
                }
            }
            for (String kv : a.options("--override-kv")) {
                recipe = recipe.withOverride(KvOverride.parse(kv));
            }
            for (Recipe.Flag f : Recipe.Flag.values()) {
                if (a.flag(f.cliName())) {
                    recipe = recipe.withFlag(f);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        boolean dryRun = a.flag("--dry-run");
        if (output == null) {
            String name = recipe.ftype().quantizeName();
            Path dir = input.toAbsolutePath().getParent();
            output = dir.resolve("ggml-model-" + name + ".gguf");
        }
        Path imatrix = a.option("--imatrix").map(Path::of).orElse(null);
        if (imatrix == null && (!a.options("--include-weights").isEmpty() || !a.options("--exclude-weights").isEmpty())) {
            throw new CliException("--include-weights / --exclude-weights need --imatrix");
        }
        return new Invocation(input, output, recipe, threads, dryRun, imatrix, a.options("--include-weights"), a.options("--exclude-weights"));
    }

    static void printPlan(QuantPlan plan, PrintStream out) {
        List<PlannedTensor> tensors = plan.tensors();
        int nameW = Math.max(4, tensors.stream().mapToInt(t -> t.name().length()).max().orElse(4));
        int shapeW = Math.max(5, tensors.stream().mapToInt(t -> t.source().shapeString().length()).max().orElse(5));
        String fmt = "%5s  %-" + nameW + "s  %-" + shapeW + "s  %-7s %-7s %13s  %s%n";
        out.printf(fmt, "#", "name", "shape", "source", "type", "bytes", "why");
        for (int i = 0; i < tensors.size(); i++) {
            PlannedTensor p = tensors.get(i);
            out.printf(fmt, i, p.name(), p.source().shapeString(), p.source().type().typeName(), p.targetType().typeName(),
                    String.format("%,d", p.bytes()), p.reason() + (p.imatrixEntry() != null ? " [imatrix]" : ""));
        }
    }

    static void printTotals(QuantPlan plan, long inputTensorBytes, PrintStream out) {
        out.printf("model size: %,d bytes (%.2f MiB) -> quant size: %,d bytes (%.2f MiB)%n", inputTensorBytes, inputTensorBytes / MIB,
                plan.tensorBytes(), plan.tensorBytes() / MIB);
        out.printf("total: %d tensors, %,d parameters, %.4f bits per weight, file %,d bytes (%.2f MiB)%s%n", plan.tensors().size(),
                plan.parameterCount(), plan.bitsPerWeight(), plan.fileBytes(), plan.fileBytes() / MIB,
                plan.fallbackCount() > 0 ? ", " + plan.fallbackCount() + " fallback(s)" : "");
    }
}
