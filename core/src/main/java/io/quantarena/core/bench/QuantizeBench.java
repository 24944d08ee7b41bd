package io.quantarena.core.bench;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixEntry;
import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.recipe.ModelQuantizer;
import io.quantarena.core.recipe.PlannedTensor;
import io.quantarena.core.recipe.QuantPlan;
import io.quantarena.core.recipe.Recipe;
import io.quantarena.core.recipe.TensorTypePlanner;
import io.quantarena.core.tensor.GgmlType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Quantization throughput: an unquantized model (BF16, F16 or F32) quantized to each target type
 * through {@link ModelQuantizer#run}, the code {@code quantize} runs, with a {@code --pure} recipe
 * so that every quantizable matrix gets the type (llama-quantize {@code --pure}). Each output goes
 * to a temporary file that is deleted right after. Only the run is timed (decode, quantize, write
 * in file order); planning and an untimed warm-up of the type's code come before it.
 */
public final class QuantizeBench {

    /** Elements quantized untimed before each type, so the timed run starts with compiled code. */
    private static final long WARM_UP_ELEMENTS = 1 << 19;
    private static final long PAGE = 4096;

    /**
     * @param types   target types, in order
     * @param threads quantization threads
     * @param imatrix importance data for every type (types that need one get uniform entries for
     *                the matrices it lacks), or null: then only types that need one get a uniform one
     * @param outDir  where the temporary outputs go
     */
    public record Config(List<GgmlType> types, int threads, Imatrix imatrix, Path outDir) {
        public Config {
            types = List.copyOf(types);
            if (types.isEmpty()) {
                throw new IllegalArgumentException("no target types");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("thread count " + threads + ", expected >= 1");
            }
            Objects.requireNonNull(outDir, "outDir");
        }
    }

    private QuantizeBench() {
    }

    /** Runs every type of {@code cfg} on {@code in}, handing each row to {@code sink} as it finishes. */
    public static List<QuantizeBenchResult> run(GgufFile in, Config cfg, Consumer<QuantizeBenchResult> sink) throws IOException {
        requireUnquantizedMatrices(in);
        ModelQuantizer quantizer = new ModelQuantizer();
        List<QuantizeBenchResult> results = new ArrayList<>();
        for (GgmlType type : cfg.types()) {
            QuantCodec codec = QuantCodecs.forType(type);
            Imatrix imatrix = imatrixFor(in, codec, cfg.imatrix());
            QuantPlan plan = plan(in, type, imatrix);
            quantizer.requireExecutable(plan);
            warmUp(in, plan, imatrix);
            Path out = Files.createTempFile(cfg.outDir(), "bench-quantize-" + type.name() + "-", ".gguf");
            double seconds;
            double cores;
            try {
                long cpu0 = processCpuNanos();
                long t0 = System.nanoTime();
                quantizer.run(in, plan, imatrix, out, cfg.threads(), null);
                long wall = System.nanoTime() - t0;
                long cpu1 = processCpuNanos();
                seconds = wall / 1e9;
                cores = cpu0 < 0 || cpu1 < 0 ? Double.NaN : (double) (cpu1 - cpu0) / wall;
                long size = Files.size(out);
                if (size != plan.fileBytes()) {
                    throw new IllegalStateException("quantized " + type.typeName() + " file has " + size + " bytes, the plan says "
                            + plan.fileBytes());
                }
            } finally {
                Files.deleteIfExists(out);
            }
            QuantizeBenchResult r = new QuantizeBenchResult(type, plan.recipe().ftype().quantizeName(), plan.fileBytes(),
                    plan.bitsPerWeight(), inputBytes(plan), seconds, cores, imatrixLabel(imatrix, cfg.imatrix()));
            results.add(r);
            sink.accept(r);
        }
        return results;
    }

    /** The recipe the benchmark uses for {@code type}: its ftype with {@code --pure}. */
    public static Recipe recipe(GgmlType type) {
        return Recipe.of(LlamaFileType.forUniformType(type)).withFlag(Recipe.Flag.PURE);
    }

    /** The plan for {@code type}: what {@code quantize --dry-run --pure} prints for the same imatrix. */
    public static QuantPlan plan(GgufFile in, GgmlType type, Imatrix imatrix) {
        return TensorTypePlanner.plan(in, recipe(type), imatrix);
    }

    /** Input bytes of the tensors a plan converts. */
    public static long inputBytes(QuantPlan plan) {
        return plan.tensors().stream().filter(PlannedTensor::convert).mapToLong(p -> p.source().byteSize()).sum();
    }

    /**
     * Reads every page of the input once so that the first type does not pay for the disk.
     *
     * @return seconds taken
     */
    public static double preRead(GgufFile in) {
        long t0 = System.nanoTime();
        long sum = 0;
        for (GgufTensorInfo t : in.tensors()) {
            MemorySegment s = in.tensorData(t);
            for (long off = 0; off < s.byteSize(); off += PAGE) {
                sum += s.get(ValueLayout.JAVA_BYTE, off);
            }
        }
        if (sum == Long.MIN_VALUE) { // keeps the reads from being optimised away
            throw new AssertionError();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Importance data of one per-column weight of 1 for every matrix of {@code in} (random or
     * unknown activations have no preferred columns), one block per expert for 3-D tensors.
     */
    public static Imatrix uniformImatrix(GgufFile in) {
        return withUniformEntries(null, in);
    }

    /** {@code given} plus uniform entries for the matrices it has no data for (null: all uniform). */
    static Imatrix withUniformEntries(Imatrix given, GgufFile in) {
        List<ImatrixEntry> entries = new ArrayList<>(given == null ? List.of() : given.entries());
        for (GgufTensorInfo t : in.tensors()) {
            if (t.significantDims() < 2 || (given != null && given.lookup(t.name()).isPresent())) {
                continue;
            }
            float[] ones = new float[Math.toIntExact(t.ne(0) * t.ne(2))];
            Arrays.fill(ones, 1f);
            entries.add(new ImatrixEntry(t.name(), 1, ones));
        }
        if (given == null) {
            return new Imatrix(entries, 0, null, "uniform (bench-quantize)");
        }
        return new Imatrix(entries, given.chunkCount(), given.dataset().orElse(null), given.source().orElse(null));
    }

    private static Imatrix imatrixFor(GgufFile in, QuantCodec codec, Imatrix given) {
        if (!codec.requiresImatrix()) {
            return given;
        }
        return withUniformEntries(given, in);
    }

    private static String imatrixLabel(Imatrix used, Imatrix given) {
        if (used == null) {
            return "none";
        }
        if (given == null) {
            return "uniform";
        }
        return used.size() > given.size() ? "given + uniform" : "given";
    }

    /** The input must be unquantized: the number is a throughput of BF16 (F16, F32) input. */
    private static void requireUnquantizedMatrices(GgufFile in) {
        for (GgufTensorInfo t : in.tensors()) {
            if (t.significantDims() >= 2 && !t.type().isUnquantized()) {
                throw new IllegalArgumentException("bench-quantize measures quantization from BF16, F16 or F32 weights; tensor '"
                        + t.name() + "' of " + in.path() + " is " + t.type().typeName());
            }
        }
    }

    /** Quantizes the first rows of the first converted matrix, untimed, on this thread. */
    private static void warmUp(GgufFile in, QuantPlan plan, Imatrix imatrix) {
        PlannedTensor p = plan.tensors().stream().filter(PlannedTensor::convert).findFirst().orElse(null);
        if (p == null) {
            return;
        }
        GgufTensorInfo t = p.source();
        int ne0 = Math.toIntExact(t.ne(0));
        int rows = (int) Math.min(t.ne(1), Math.max(1, WARM_UP_ELEMENTS / ne0));
        QuantCodec src = QuantCodecs.forType(t.type());
        QuantCodec dst = QuantCodecs.forType(p.targetType());
        MemorySegment data = in.tensorData(t);
        float[] f = new float[rows * ne0];
        for (int r = 0; r < rows; r++) {
            src.dequantizeRow(data, r * t.rowBytes(), f, r * ne0, ne0);
        }
        float[] importance = p.imatrixEntry() == null ? null
                : Arrays.copyOf(imatrix.find(p.imatrixEntry()).orElseThrow().importance(), ne0);
        MemorySegment out = MemorySegment.ofArray(new byte[Math.toIntExact(rows * p.targetType().rowSize(ne0))]);
        dst.quantize(f, 0, rows, ne0, importance, out, 0);
    }

    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }
}
