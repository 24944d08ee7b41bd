package io.quantarena.core.cli;

import io.quantarena.core.bench.BenchTable;
import io.quantarena.core.bench.ModelBench;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.synth.SynthShape;
import io.quantarena.core.synth.SyntheticModel;
import io.quantarena.core.synth.SyntheticModelWriter;
import io.quantarena.core.tensor.GgmlType;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code bench}: llama-bench's prompt-processing and generation tests (tokens/s, mean ± sd of the
 * repetitions) with generation set against the memory-bandwidth bound. Without {@code -m} it
 * benchmarks synthetic Llama-3.2-1B-shaped models in Q8_0, Q4_K and IQ4_XS, writing any that are
 * missing into the synth directory first.
 */
public final class BenchCommand implements Command {

    static final List<GgmlType> DEFAULT_TYPES = List.of(GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.IQ4_XS);
    private static final Set<String> OPTIONS = Set.of("-m", "--model", "--synth-dir", "--types", "-t", "--threads",
            "-p", "--n-prompt", "-n", "--n-gen", "-r", "--repetitions", "-ub", "--ubatch-size", "-ctk", "--cache-type-k",
            "--bw-mib", "--seed");

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String usage() {
        return "bench [-m MODEL]... [--synth-dir DIR] [--types Q8_0,Q4_K,IQ4_XS] [-t 1,2] [-p 512] [-n 128] [-r 5]"
                + " [-ub 512] [-ctk f16|f32|q8_0] [--bw-mib 1024]   (no -m: synthetic Llama-3.2-1B-shaped models in DIR,"
                + " default $TMPDIR/quantarena-bench, written when missing)";
    }

    @Override
    public String summary() {
        return "pp512 / tg128 tokens/s like llama-bench, generation against the bandwidth bound";
    }

    @Override
    public int run(List<String> args, PrintStream out) throws Exception {
        CliArgs a = CliArgs.parse(name(), args, Set.of(), OPTIONS).expectPositionals(0, 0, "no positional arguments");
        int[] threads = intList(a.option("-t").or(() -> a.option("--threads")).orElse("1,2"), "-t");
        int nPrompt = nonNegative(a, "-p", "--n-prompt", 512);
        int nGen = nonNegative(a, "-n", "--n-gen", 128);
        int reps = RuntimeOptions.positiveInt(a, "-r", RuntimeOptions.positiveInt(a, "--repetitions", 5));
        int ubatch = RuntimeOptions.positiveInt(a, "-ub", RuntimeOptions.positiveInt(a, "--ubatch-size", 512));
        int bwMib = RuntimeOptions.positiveInt(a, "--bw-mib", 1024);
        KvCacheType cache = RuntimeOptions.cacheType(a);
        ModelBench.Config cfg;
        try {
            cfg = new ModelBench.Config(nPrompt, nGen, reps, ubatch, cache, (long) bwMib << 20,
                    Long.parseLong(a.option("--seed").orElse("1234").trim()));
        } catch (NumberFormatException e) {
            throw new CliException("option --seed needs an integer, got '" + a.option("--seed").orElse("") + "'");
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        List<Path> models = new ArrayList<>();
        for (String m : a.options("-m")) {
            models.add(Path.of(m));
        }
        for (String m : a.options("--model")) {
            models.add(Path.of(m));
        }
        if (models.isEmpty()) {
            Path dir = synthDir(a);
            for (GgmlType t : types(a.option("--types").orElse(null))) {
                models.add(synthesized(dir, t, out));
            }
        }
        out.printf(Locale.ROOT, "bench: %d processors, vector %s, load average %s%n",
                Runtime.getRuntime().availableProcessors(), jdk.incubator.vector.FloatVector.SPECIES_PREFERRED, loadAverage());
        BenchTable table = new BenchTable(out);
        table.header();
        for (Path p : models) {
            try (ModelFile mf = ModelFile.open(p, List.of())) {
                for (int t : threads) {
                    ModelBench.run(mf, t, cfg, table::row);
                }
            }
        }
        out.printf(Locale.ROOT, "bench: load average %s at the end (best of %d repetitions in 'best t/s'; the cores may be shared)%n",
                loadAverage(), reps);
        return 0;
    }

    /** {@code --synth-dir}, by default {@code $TMPDIR/quantarena-bench} (never the repository). */
    static Path synthDir(CliArgs a) {
        return Path.of(a.option("--synth-dir").orElse(Path.of(System.getProperty("java.io.tmpdir"), "quantarena-bench").toString()));
    }

    /** The synthetic 1B model of {@code type} in {@code dir}, written first when missing. */
    static Path synthesized(Path dir, GgmlType type, PrintStream out) throws IOException {
        Path p = dir.resolve("llama-1b-" + type.name() + ".gguf");
        if (Files.isRegularFile(p)) {
            return p;
        }
        Files.createDirectories(dir);
        int threads = Runtime.getRuntime().availableProcessors();
        out.printf(Locale.ROOT, "bench: writing synthetic model %s (%d threads) ...%n", p, threads);
        out.flush();
        Path part = dir.resolve(p.getFileName() + ".part");
        SyntheticModelWriter.write(SyntheticModel.plan(SynthShape.LLAMA_1B, type), part, threads, 42, null);
        Files.move(part, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return p;
    }

    private static List<GgmlType> types(String list) {
        if (list == null) {
            return DEFAULT_TYPES;
        }
        List<GgmlType> ts = new ArrayList<>();
        for (String s : list.split(",")) {
            try {
                ts.add(GgmlType.byName(s.trim()));
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
        }
        return ts;
    }

    private static int[] intList(String v, String option) {
        String[] parts = v.split(",");
        int[] r = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                r[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new CliException("option " + option + " needs comma-separated integers, got '" + v + "'");
            }
            if (r[i] < 1) {
                throw new CliException("option " + option + " has " + r[i] + ", expected values >= 1");
            }
        }
        return r;
    }

    private static int nonNegative(CliArgs a, String shortName, String longName, int fallback) {
        int v = a.intOption(shortName, a.intOption(longName, fallback));
        if (v < 0) {
            throw new CliException("option " + shortName + " is " + v + ", expected >= 0");
        }
        return v;
    }

    /** The 1, 5 and 15 minute load averages (Linux), or the JVM's 1-minute figure elsewhere. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            double l = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return l < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", l);
        }
    }
}
