package io.quantarena.core.cli;

import io.quantarena.core.bench.QuantizeBench;
import io.quantarena.core.bench.QuantizeBenchTable;
import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixFiles;
import io.quantarena.core.quant.QuantCodecs;
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
 * {@code bench-quantize}: quantization throughput per target type (MB/s of unquantized input),
 * through the same {@code ModelQuantizer} path as {@code quantize}. Without {@code -m} it uses
 * the synthetic Llama-3.2-1B in BF16 from {@code bench}'s synth directory, writing it when missing.
 */
public final class BenchQuantizeCommand implements Command {

    static final List<GgmlType> DEFAULT_TYPES = List.of(GgmlType.Q8_0, GgmlType.Q6_K, GgmlType.Q5_K, GgmlType.Q4_K,
            GgmlType.Q4_0, GgmlType.Q3_K, GgmlType.Q2_K, GgmlType.IQ4_XS, GgmlType.IQ4_NL, GgmlType.IQ4_KS, GgmlType.IQ4_K,
            GgmlType.IQ5_K, GgmlType.IQ3_K, GgmlType.IQ2_K, GgmlType.IQ2_XXS, GgmlType.IQ1_S);
    private static final Set<String> OPTIONS = Set.of("-m", "--model", "--synth-dir", "--types", "-t", "--threads",
            "--imatrix", "--out-dir");
    /** tmpfs: outputs stay in memory, so the benchmark never waits for a disk. */
    private static final Path SHM = Path.of("/dev/shm");

    @Override
    public String name() {
        return "bench-quantize";
    }

    @Override
    public String usage() {
        return "bench-quantize [-m MODEL.gguf] [--synth-dir DIR] [--types Q8_0,Q6_K,...,IQ1_S] [-t 2] [--imatrix FILE]"
                + " [--out-dir DIR]   (each type like llama-quantize --pure: every quantizable matrix gets it; MODEL is BF16,"
                + " F16 or F32, by default the synthetic Llama-3.2-1B in BF16 in DIR (default $TMPDIR/quantarena-bench),"
                + " written when missing; types that need an imatrix get a uniform one unless --imatrix is given;"
                + " outputs go to temp files in --out-dir (default /dev/shm when writable) deleted after each type)";
    }

    @Override
    public String summary() {
        return "quantization throughput per type (MB/s of BF16 input), like llama-quantize --pure";
    }

    @Override
    public int run(List<String> args, PrintStream out) throws Exception {
        CliArgs a = CliArgs.parse(name(), args, Set.of(), OPTIONS).expectPositionals(0, 0, "no positional arguments");
        List<GgmlType> types = types(a.option("--types").orElse(null));
        int threads = RuntimeOptions.positiveInt(a, "-t", RuntimeOptions.positiveInt(a, "--threads", 2));
        Path outDir = outDir(a.option("--out-dir").orElse(null));
        Imatrix imatrix = null;
        if (a.option("--imatrix").isPresent()) {
            imatrix = ImatrixFiles.read(Path.of(a.option("--imatrix").get()));
        }
        Path model = a.option("-m").or(() -> a.option("--model")).map(Path::of).orElse(null);
        if (model == null) {
            model = BenchCommand.synthesized(BenchCommand.synthDir(a), GgmlType.BF16, out);
        }
        try (GgufFile in = GgufFile.open(model)) {
            out.printf(Locale.ROOT, "bench-quantize: %s: %d tensors, %,d parameters, %.1f MB of tensor data%n", model,
                    in.tensors().size(), in.parameterCount(), in.tensorBytes() / 1e6);
            double readSeconds = QuantizeBench.preRead(in);
            out.printf(Locale.ROOT, "bench-quantize: %d threads on %d processors, vector %s, load average %s%n", threads,
                    Runtime.getRuntime().availableProcessors(), jdk.incubator.vector.FloatVector.SPECIES_PREFERRED,
                    BenchCommand.loadAverage());
            out.printf(Locale.ROOT, "bench-quantize: --pure recipes (every quantizable matrix to the type); input read once into"
                    + " memory before timing (%.1f s); each type warmed up untimed; outputs written to temp files in %s (%s),"
                    + " deleted after each type%n", readSeconds, outDir, storage(outDir));
            if (imatrix != null) {
                out.printf("bench-quantize: imatrix %s (%d entries) for every type%n", a.option("--imatrix").get(), imatrix.size());
            }
            QuantizeBenchTable table = new QuantizeBenchTable(out);
            table.header();
            QuantizeBench.run(in, new QuantizeBench.Config(types, threads, imatrix, outDir),
                    r -> table.row(r, BenchCommand.loadAverage()));
        }
        out.printf(Locale.ROOT, "bench-quantize: load average %s at the end; MB/s = 10^6 bytes of input tensor data quantized per"
                + " wall second; cores used = process CPU time / wall time (below %d when other processes took the cores)%n",
                BenchCommand.loadAverage(), threads);
        return 0;
    }

    private static List<GgmlType> types(String list) {
        if (list == null) {
            return DEFAULT_TYPES;
        }
        List<GgmlType> ts = new ArrayList<>();
        for (String s : list.split(",")) {
            GgmlType t;
            try {
                t = GgmlType.byName(s.trim());
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            if (!QuantCodecs.isSupported(t)) {
                throw new CliException("type " + t.typeName() + " in --types cannot be encoded by this build");
            }
            ts.add(t);
        }
        return ts;
    }

    private static Path outDir(String option) throws IOException {
        if (option != null) {
            Path p = Path.of(option);
            if (!Files.isDirectory(p) || !Files.isWritable(p)) {
                throw new CliException("--out-dir " + option + " is not a writable directory");
            }
            return p;
        }
        return Files.isDirectory(SHM) && Files.isWritable(SHM) ? SHM : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Says whether the outputs can touch a disk. */
    private static String storage(Path dir) {
        try {
            String fs = Files.getFileStore(dir).type();
            return fs.equals("tmpfs") ? "tmpfs: memory, never disk" : fs + ": written to the page cache, never synced";
        } catch (IOException e) {
            return "file system unknown; never synced";
        }
    }
}
