package io.quantarena.core.kernel.bench;

import io.quantarena.core.kernel.WeightMatrix;
import io.quantarena.core.kernel.cpu.CpuMatrixKernels;
import io.quantarena.core.kernel.cpu.PreparedActivation;
import io.quantarena.core.kernel.cpu.RowKernel;
import io.quantarena.core.kernel.cpu.RowKernels;
import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code quantarena bench-kernels}: measures this machine's ceilings (main-memory read bandwidth,
 * FP32 FMA peak) and every CPU kernel as a fraction of its ceiling. Matrix-vector products stream a
 * matrix of {@code --mv-mib} MiB (default 1024, far beyond the last-level cache) and are compared
 * with the read bandwidth, and so is the row kernel on cache-resident rows (the "in-cache" column:
 * the kernel's compute ceiling, which the streamed figure cannot exceed); matrix-matrix products
 * use 512 activation columns and are compared with the FMA peak. Each figure is the best of
 * several runs, and each fraction is taken against the larger of the ceiling measured at the start
 * and one re-measured right next to the kernel (the cores are shared with other processes, so a
 * single early ceiling can be too low or too high).
 *
 * <p>Options: {@code --types q4_K,q8_0,...} {@code --threads 1,2} {@code --mv-mib N} (also the
 * size of the bandwidth buffer) {@code --mm-rows N} {@code --cols N} {@code --runs N}
 * {@code --fma-iters N} {@code --skip encode,decode,mv,mm}.
 */
public final class KernelBench {

    private static final int DEFAULT_COLS = 4096;
    /** Weight bytes per thread of the in-cache dot products: half of a 2 MiB L2. */
    private static final long IN_CACHE_BYTES_PER_THREAD = 1L << 20;

    private final PrintStream out;
    private List<GgmlType> types = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q4_1,
            GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q6_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K,
            GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS,
            GgmlType.IQ2_XXS, GgmlType.IQ2_XS, GgmlType.IQ2_S, GgmlType.IQ3_XXS, GgmlType.IQ3_S, GgmlType.IQ1_S,
            GgmlType.IQ1_M, GgmlType.IQ2_K, GgmlType.IQ2_KS, GgmlType.IQ3_K, GgmlType.IQ3_KS, GgmlType.IQ4_K,
            GgmlType.IQ4_KS, GgmlType.IQ4_KSS, GgmlType.IQ5_K, GgmlType.IQ5_KS, GgmlType.IQ6_K);
    private int[] threadCounts = {1, 2};
    private long mvBytes = 1024L << 20;
    private int mmRows = 4096;
    private int cols = DEFAULT_COLS;
    private int runs = 5;
    private long fmaIterations = 200_000_000;
    private final List<String> skip = new ArrayList<>();

    KernelBench(PrintStream out) {
        this.out = out;
    }

    /** Standalone entry point; {@code quantarena bench-kernels} is the usual one. */
    public static void main(String[] args) {
        try {
            run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("bench-kernels: " + e.getMessage() + " (usage: " + USAGE + ")");
            System.exit(2);
        }
    }

    /** Options accepted after {@code bench-kernels}. */
    public static final String USAGE = "bench-kernels [--types q4_K,q8_0,...] [--threads 1,2] [--mv-mib 1024]"
            + " [--mm-rows 4096] [--cols 4096] [--runs 5] [--fma-iters 200000000] [--skip encode,decode,mv,mm]";

    /**
     * Runs the benchmark and prints the table to {@code out}.
     *
     * @throws IllegalArgumentException for an unknown option or value
     */
    public static void run(String[] args, PrintStream out) {
        KernelBench b = new KernelBench(out);
        b.parse(args);
        b.execute();
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            try {
                option(a, v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option " + a + " needs a number, got '" + v + "'");
            }
        }
        if (cols % 256 != 0 || cols <= 0 || runs < 1 || mmRows < 1 || mvBytes < (1 << 20)) {
            throw new IllegalArgumentException("--cols must be a positive multiple of 256, --runs and --mm-rows >= 1,"
                    + " --mv-mib >= 1 (got cols " + cols + ", runs " + runs + ", mm-rows " + mmRows + ")");
        }
        for (int t : threadCounts) {
            if (t < 1) {
                throw new IllegalArgumentException("--threads " + t + " (expected >= 1)");
            }
        }
    }

    private void option(String a, String v) {
        switch (a) {
                case "--types" -> {
                    List<GgmlType> ts = new ArrayList<>();
                    for (String s : v.split(",")) {
                        GgmlType t = GgmlType.byName(s.trim());
                        if (!RowKernels.supported().contains(t)) {
                            throw new IllegalArgumentException("no CPU kernel for " + t.typeName() + "; supported: "
                                    + RowKernels.supported());
                        }
                        ts.add(t);
                    }
                    types = ts;
                }
                case "--threads" -> {
                    String[] p = v.split(",");
                    threadCounts = new int[p.length];
                    for (int k = 0; k < p.length; k++) {
                        threadCounts[k] = Integer.parseInt(p[k].trim());
                    }
                }
                case "--mv-mib" -> mvBytes = Long.parseLong(v) << 20;
                case "--mm-rows" -> mmRows = Integer.parseInt(v);
                case "--cols" -> cols = Integer.parseInt(v);
                case "--runs" -> runs = Integer.parseInt(v);
                case "--fma-iters" -> fmaIterations = Long.parseLong(v);
                case "--skip" -> {
                    for (String part : v.split(",")) {
                        if (!List.of("encode", "decode", "mv", "mm").contains(part)) {
                            throw new IllegalArgumentException("--skip " + part + " (expected encode, decode, mv or mm)");
                        }
                        skip.add(part);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
        }
    }

    private void execute() {
        out.printf(Locale.ROOT, "vector: %s, processors: %d%n", jdk.incubator.vector.FloatVector.SPECIES_PREFERRED,
                Runtime.getRuntime().availableProcessors());
        int maxThreads = 0;
        for (int t : threadCounts) {
            maxThreads = Math.max(maxThreads, t);
        }
        double[][] bw = new double[maxThreads + 1][];
        double[][] fma = new double[maxThreads + 1][];
        for (int t : threadCounts) {
            bw[t] = MachineCeilings.readBandwidth(mvBytes, t, runs);
            fma[t] = MachineCeilings.fmaPeak(t, runs, fmaIterations);
            out.printf(Locale.ROOT, "ceiling %d thread(s): read bandwidth %.1f GB/s, FP32 FMA peak %.1f GFLOP/s"
                            + " (per busy second: %.1f GB/s, %.1f GFLOP/s)%n",
                    t, bw[t][0] / 1e9, fma[t][0] / 1e9, bw[t][1] / 1e9, fma[t][1] / 1e9);
        }
        List<String[]> wall = new ArrayList<>();
        List<String[]> busy = new ArrayList<>();
        for (GgmlType type : types) {
            List<String> w = new ArrayList<>();
            List<String> b = new ArrayList<>();
            w.add(type.typeName());
            b.add(type.typeName());
            String dec = skip.contains("decode") ? "-" : String.format(Locale.ROOT, "%.2f", decode(type) / 1e9);
            double enc = skip.contains("encode") ? Double.NaN : encode(type);
            String encText = Double.isNaN(enc) ? "-" : String.format(Locale.ROOT, "%.1f", enc / 1e6);
            w.add(dec);
            w.add(encText);
            for (int t : threadCounts) {
                if (skip.contains("mv")) {
                    w.add("-");
                    w.add("-");
                    b.add("-");
                    b.add("-");
                    continue;
                }
                double[] g = matVec(type, t);
                // other processes share the cores: judge against a ceiling measured right next to the
                // kernel as well as the one from the start, whichever is higher
                double[] near = MachineCeilings.readBandwidth(mvBytes, t, 2);
                double bwWall = Math.max(bw[t][0], near[0]), bwBusy = Math.max(bw[t][1], near[1]);
                w.add(cell(g[0] / 1e9, g[0] / bwWall, "%.2f"));
                b.add(cell(g[1] / 1e9, g[1] / bwBusy, "%.2f"));
                // the row kernel on cache-resident rows, against the same bandwidth: its compute ceiling.
                // Streaming cannot beat it, so where it is below a target fraction the kernel's
                // instructions, not the memory, are what keeps the streamed figure under that target
                w.add(cell(g[2] / 1e9, g[2] / bwWall, "%.2f"));
                b.add(cell(g[3] / 1e9, g[3] / bwBusy, "%.2f"));
            }
            for (int t : threadCounts) {
                if (skip.contains("mm")) {
                    w.add("-");
                    b.add("-");
                    continue;
                }
                double[] f = matMul(type, t);
                double[] near = MachineCeilings.fmaPeak(t, 2, fmaIterations);
                w.add(cell(f[0] / 1e9, f[0] / Math.max(fma[t][0], near[0]), "%.1f"));
                b.add(cell(f[1] / 1e9, f[1] / Math.max(fma[t][1], near[1]), "%.1f"));
            }
            wall.add(w.toArray(String[]::new));
            busy.add(b.toArray(String[]::new));
        }
        List<String> head = new ArrayList<>(List.of("type", "dec GB/s", "enc MB/s"));
        List<String> headBusy = new ArrayList<>(List.of("type"));
        for (int t : threadCounts) {
            head.add("mv" + t + "T GB/s %bw");
            head.add("mv" + t + "T in-cache %bw");
            headBusy.add("mv" + t + "T GB/s %bw");
            headBusy.add("mv" + t + "T in-cache %bw");
        }
        for (int t : threadCounts) {
            head.add("mm" + t + "T GFLOP/s %fma");
            headBusy.add("mm" + t + "T GFLOP/s %fma");
        }
        out.println();
        out.println("wall clock (best of " + runs + "; decode and encode single-threaded):");
        printTable(head, wall);
        out.println();
        out.println("per busy second (process CPU time / threads: the cores' share other processes did not take):");
        printTable(headBusy, busy);
    }

    private static String cell(double value, double fraction, String format) {
        return String.format(Locale.ROOT, format + " %3.0f%%", value, 100 * fraction);
    }

    private void printTable(List<String> head, List<String[]> rows) {
        int[] width = new int[head.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = head.get(i).length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            h.append(i == 0 ? String.format("%-" + width[i] + "s", head.get(i)) : String.format(" | %" + width[i] + "s", head.get(i)));
        }
        out.println(h);
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < width.length; i++) {
                line.append(i == 0 ? String.format("%-" + width[i] + "s", r[i]) : String.format(" | %" + width[i] + "s", r[i]));
            }
            out.println(line);
        }
    }

    private interface Body {
        void run();
    }

    /** Best wall and CPU times of {@code runs} timed calls after warm-up calls. */
    private Timing best(Body b, int warmup) {
        return bestTiming(() -> Timing.of(b::run), warmup);
    }

    /** The best of {@code runs} timings, each taken by {@code timed}, after warm-up ones. */
    private Timing bestTiming(Supplier<Timing> timed, int warmup) {
        for (int i = 0; i < warmup; i++) {
            timed.get();
        }
        Timing best = Timing.NONE;
        for (int i = 0; i < runs; i++) {
            best = best.min(timed.get());
        }
        return best;
    }

    /** Decode throughput, single thread: bytes of quantized input per second (cache-resident rows). */
    private double decode(GgmlType type) {
        int rows = 64;
        RowKernel k = RowKernels.forType(type);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = BenchWeights.random(type, rows, cols, arena, 1);
            float[] dst = new float[cols];
            long rowBytes = type.rowSize(cols);
            Timing s = best(() -> {
                for (int rep = 0; rep < 20; rep++) {
                    for (int r = 0; r < rows; r++) {
                        k.dequantize(w, r * rowBytes, 0, dst, 0, cols);
                    }
                }
            }, 20);
            return 20.0 * rows * rowBytes / s.wallSeconds();
        }
    }

    /** Codec quantization throughput, single thread: bytes of F32 input per second; NaN without a codec. */
    private double encode(GgmlType type) {
        if (!QuantCodecs.isSupported(type)) {
            return Double.NaN;
        }
        QuantCodec codec = QuantCodecs.forType(type);
        int rows = 16;
        float[] src = BenchWeights.gaussian(rows * cols, 2);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(rows * type.rowSize(cols));
            float[] imatrix = codec.requiresImatrix() ? BenchWeights.uniformImatrix(cols) : null;
            Timing s = best(() -> codec.quantize(src, 0, rows, cols, imatrix, dst, 0), 3);
            return 4.0 * rows * cols / s.wallSeconds();
        }
    }

    /**
     * Matrix-vector throughput in weight bytes per second, by the wall clock and per busy second:
     * {streamed wall, streamed busy, in-cache wall, in-cache busy}. Streamed: the whole matrix, far
     * larger than the caches, through the kernel threads. In-cache: {@link #inCache}.
     */
    private double[] matVec(GgmlType type, int threads) {
        long rows = Math.max(1, mvBytes / type.rowSize(cols));
        try (Arena arena = Arena.ofShared(); CpuMatrixKernels kernels = new CpuMatrixKernels(threads)) {
            WeightMatrix w = new WeightMatrix(type, BenchWeights.random(type, rows, cols, arena, 3), rows, cols);
            float[] x = BenchWeights.gaussian(cols, 4);
            float[] y = new float[(int) rows];
            warmUp(kernels, w, x, y);
            // enough calls per timed run (>= 2 GiB) for the CPU-time clock's 10 ms ticks
            int calls = (int) Math.max(1, Math.min(16, (2L << 30) / (rows * w.rowBytes())));
            Timing s = best(() -> {
                for (int c = 0; c < calls; c++) {
                    kernels.matVec(w, x, y);
                }
            }, 3);
            double bytes = (double) rows * w.rowBytes() * calls;
            double[] c = inCache(type, threads);
            return new double[]{bytes / s.wallSeconds(), bytes / s.busySeconds(threads), c[0], c[1]};
        }
    }

    /**
     * The row kernel's compute ceiling: each thread runs the four-row dot kernel over its own
     * {@link #IN_CACHE_BYTES_PER_THREAD} matrix (in its own core's L2) with its own activation, all
     * threads at once, without the pool (whose chunks move between cores from call to call).
     * Weight bytes per second, by the wall clock and per busy second.
     */
    private double[] inCache(GgmlType type, int threads) {
        RowKernel k = RowKernels.forType(type);
        long rowBytes = type.rowSize(cols);
        int rows = (int) Math.max(4, IN_CACHE_BYTES_PER_THREAD / rowBytes / 4 * 4), quarter = rows / 4;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment[] w = new MemorySegment[threads];
            PreparedActivation[] px = new PreparedActivation[threads];
            for (int t = 0; t < threads; t++) {
                w[t] = BenchWeights.random(type, rows, cols, arena, 7 + t);
                px[t] = k.prepare(BenchWeights.gaussian(cols, 8 + t), cols, new PreparedActivation());
            }
            // >= 0.5 GiB per thread and timed run: the CPU-time clock ticks every 10 ms
            int passes = (int) Math.max(1, (512L << 20) / ((long) rows * rowBytes));
            // the threads start together and are timed together, like the ceilings'
            MachineCeilings.ThreadBody pass = t -> {
                float[] y = new float[rows];
                for (int p = 0; p < passes; p++) {
                    for (int i = 0; i < quarter; i++) {
                        k.dot4(w[t], i * rowBytes, quarter * rowBytes, px[t], y, i, quarter);
                    }
                }
                return y[0];
            };
            Timing s = bestTiming(() -> MachineCeilings.timeParallel(threads, pass), 2);
            double bytes = (double) threads * passes * rows * rowBytes;
            return new double[]{bytes / s.wallSeconds(), bytes / s.busySeconds(threads)};
        }
    }

    /**
     * Runs matrix-vector products on the first rows of {@code w} (cache-resident) until they stop
     * getting faster: the large row kernels take C2 a while to compile, longer still when the cores
     * are shared, and a fixed number of warm-up calls timed some kernels before their final code.
     */
    private static void warmUp(CpuMatrixKernels kernels, WeightMatrix w, float[] x, float[] y) {
        WeightMatrix small = w.rows(0, Math.min(w.rows(), Math.max(64, (4L << 20) / w.rowBytes())));
        long start = System.nanoTime(), best = Long.MAX_VALUE;
        int sinceBest = 0;
        // at least 1 s, until 200 calls in a row were no faster, at most 30 s
        while (System.nanoTime() - start < 30_000_000_000L && (sinceBest < 200 || System.nanoTime() - start < 1_000_000_000L)) {
            long t0 = System.nanoTime();
            kernels.matVec(small, x, y);
            long t = System.nanoTime() - t0;
            if (t < best * 0.98) {
                best = t;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
        }
    }

    /** Matrix-matrix throughput with 512 activation columns: FLOP/s (2 per multiply-add), wall and busy. */
    private double[] matMul(GgmlType type, int threads) {
        int n = 512;
        try (Arena arena = Arena.ofShared(); CpuMatrixKernels kernels = new CpuMatrixKernels(threads)) {
            WeightMatrix w = new WeightMatrix(type, BenchWeights.random(type, mmRows, cols, arena, 5), mmRows, cols);
            float[] x = BenchWeights.gaussian(n * cols, 6);
            float[] y = new float[n * mmRows];
            Timing s = best(() -> kernels.matMul(w, x, n, y), 1);
            double flops = 2.0 * mmRows * cols * n;
            return new double[]{flops / s.wallSeconds(), flops / s.busySeconds(threads)};
        }
    }
}
