package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.gguf.GgufValue;
import io.quantarena.core.gguf.GgufWriter;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixEntry;
import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Whole-model quantization like llama-quantize (spec/quantize-tool.md §3-§5): a
 * {@link TensorTypePlanner} plan decides every tensor's type, then tensors are converted or
 * copied in file order and streamed to the output. Source tensors of any supported type are
 * dequantized and re-quantized in row chunks on {@code threads} workers, each expert matrix
 * with its own slice of the importance matrix, so memory use is a few chunks per thread, not
 * the model.
 */
public final class ModelQuantizer {

    /** llama-quantize's chunk: at least this many elements per quantize call (§5.2). */
    private static final int CHUNK_ELEMENTS = 16384;
    /** Elements one worker task handles (several chunks), to keep task overhead small. */
    private static final long TASK_ELEMENTS = 1 << 18;

    private final Function<GgmlType, QuantCodec> codecs;

    public ModelQuantizer() {
        this(QuantCodecs::forType);
    }

    /** With a custom codec lookup (which must throw for unsupported types). */
    public ModelQuantizer(Function<GgmlType, QuantCodec> codecs) {
        this.codecs = Objects.requireNonNull(codecs, "codecs");
    }

    /** One unit of work: rows [firstRow, firstRow + rows) of a tensor, inside one matrix. */
    private record Task(long firstRow, int rows) {
    }

    /**
     * Quantizes every quantizable weight to one type, like {@code llama-quantize --pure
     * --allow-requantize} with the ftype of that base type ({@link LlamaFileType#forUniformType}).
     *
     * @throws CancellationException when {@code progress.cancelled()} turns true between tensors
     *                               (the partial output is deleted)
     * @throws IllegalArgumentException when the target type needs an importance matrix, or
     *                                  input and output are the same file
     * @throws UnsupportedOperationException when a needed codec is not implemented
     */
    public QuantizeResult quantize(QuantizeRequest req, QuantizeProgress progress) throws IOException {
        GgmlType target = req.targetType();
        if (codecs.apply(target).requiresImatrix()) {
            throw new IllegalArgumentException("type " + target.typeName() + " requires an importance matrix, which this pipeline does not take");
        }
        Recipe recipe = Recipe.of(LlamaFileType.forUniformType(target))
                .withFlag(Recipe.Flag.PURE).withFlag(Recipe.Flag.ALLOW_REQUANTIZE);
        return quantize(new QuantizeJob(req.input(), req.output(), recipe, null, req.threads()), progress);
    }

    /**
     * Plans and runs a recipe.
     *
     * @throws CancellationException when {@code progress.cancelled()} turns true between tensors
     *                               (the partial output is deleted)
     * @throws IllegalArgumentException when the recipe cannot be applied (see
     *                                  {@link TensorTypePlanner#plan}), a type needs importance
     *                                  data the tensor lacks, or input and output are the same file
     * @throws UnsupportedOperationException when a needed codec is not implemented
     */
    public QuantizeResult quantize(QuantizeJob job, QuantizeProgress progress) throws IOException {
        try (GgufFile in = GgufFile.open(job.input())) {
            checkNotInput(in, job.output());
            QuantPlan plan = TensorTypePlanner.plan(in, job.recipe(), job.imatrix());
            return run(in, plan, job.imatrix(), job.output(), job.effectiveThreads(), progress);
        }
    }

    /** Plans a recipe without writing anything ({@code --dry-run}). */
    public static QuantPlan plan(Path input, Recipe recipe, Imatrix imatrix) throws IOException {
        try (GgufFile in = GgufFile.open(input)) {
            return TensorTypePlanner.plan(in, recipe, imatrix);
        }
    }

    /**
     * Writes {@code plan} (made for {@code in}) to {@code output}.
     *
     * @param imatrix the importance data the plan's entries refer to, or null
     */
    public QuantizeResult run(GgufFile in, QuantPlan plan, Imatrix imatrix, Path output, int threads, QuantizeProgress progress)
            throws IOException {
        QuantizeProgress prog = progress == null ? QuantizeProgress.NONE : progress;
        checkNotInput(in, output);
        List<PlannedTensor> tensors = plan.tensors();
        requireExecutable(plan); // fail before writing anything when a codec or importance data are missing
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemonThreads()) : null;
        GgufWriter w = GgufWriter.create(output);
        boolean complete = false;
        try {
            for (Map.Entry<String, GgufValue> e : plan.metadata().entrySet()) {
                w.put(e.getKey(), e.getValue());
            }
            for (PlannedTensor p : tensors) {
                w.addTensor(p.name(), p.source().ne(), p.targetType());
            }
            for (int i = 0; i < tensors.size(); i++) {
                if (prog.cancelled()) {
                    throw new CancellationException("quantization of " + in.path() + " cancelled before tensor " + i + " of " + tensors.size());
                }
                PlannedTensor p = tensors.get(i);
                if (p.convert()) {
                    float[][] slices = p.imatrixEntry() == null ? null : importanceSlices(imatrix, p);
                    convert(in, p, slices, w, pool, threads);
                } else {
                    w.writeTensorData(in.tensorData(p.source()));
                }
                prog.onTensor(i, tensors.size(), p.name(), p.targetType(), w.bytesWritten());
            }
            w.close();
            complete = true;
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            if (!complete) {
                w.abort();
            }
        }
        return result(plan, Files.size(output));
    }

    /**
     * Checks that every conversion of {@code plan} can run with this quantizer's codecs: the
     * source type can be decoded, the target type encoded, and importance data are there for
     * the targets that need them.
     *
     * @throws RecipeException naming the recipe setting that chose a type this build cannot
     *                         make (or cannot make without importance data)
     * @throws UnsupportedOperationException when a source tensor's type cannot be decoded
     */
    public void requireExecutable(QuantPlan plan) {
        for (PlannedTensor p : plan.tensors()) {
            if (!p.convert()) {
                continue;
            }
            codecs.apply(p.source().type());
            RecipeSetting by = p.chosenBy() != null ? p.chosenBy() : RecipeSetting.ftype(plan.recipe().ftype());
            QuantCodec dst;
            try {
                dst = codecs.apply(p.targetType());
            } catch (UnsupportedOperationException e) {
                throw new RecipeException(by, "type " + p.targetType().typeName() + " (for tensor '" + p.name()
                        + "') cannot be encoded by this build", "tensor '" + p.name() + "': " + e.getMessage() + " (chosen by " + p.reason() + ")");
            }
            if (dst.requiresImatrix() && p.imatrixEntry() == null) {
                String why = "type " + p.targetType().typeName() + " (for tensor '" + p.name() + "') cannot be made without importance data for it";
                throw new RecipeException(by, why, "tensor '" + p.name() + "': type " + p.targetType().typeName()
                        + " (from " + p.reason() + ") cannot be made without importance data for it");
            }
        }
    }

    private static void checkNotInput(GgufFile in, Path output) throws IOException {
        for (Path p : in.paths()) {
            if (Files.exists(output) && Files.isSameFile(p, output)) {
                throw new IllegalArgumentException("output " + output + " is the input file " + p);
            }
        }
    }

    /** Per expert matrix e, the importance of its ne0 columns: entry values [e·ne0, (e+1)·ne0) / ncall (§4.5). */
    private static float[][] importanceSlices(Imatrix imatrix, PlannedTensor p) {
        ImatrixEntry e = imatrix.find(p.imatrixEntry())
                .orElseThrow(() -> new IllegalArgumentException("plan refers to imatrix entry '" + p.imatrixEntry() + "', which the imatrix lacks"));
        int ne0 = Math.toIntExact(p.source().ne(0));
        int ne2 = Math.toIntExact(p.source().ne(2));
        float[] all = e.importance();
        if (all.length != (long) ne0 * ne2) {
            throw new IllegalArgumentException("imatrix entry '" + e.name() + "' has " + all.length + " values, tensor '" + p.name()
                    + "' needs " + (long) ne0 * ne2);
        }
        float[][] slices = new float[ne2][];
        for (int m = 0; m < ne2; m++) {
            slices[m] = Arrays.copyOfRange(all, m * ne0, (m + 1) * ne0);
        }
        return slices;
    }

    private void convert(GgufFile in, PlannedTensor p, float[][] importance, GgufWriter w, ExecutorService pool, int threads)
            throws IOException {
        GgufTensorInfo t = p.source();
        QuantCodec src = codecs.apply(t.type());
        QuantCodec dst = codecs.apply(p.targetType());
        MemorySegment data = in.tensorData(t);
        long ne0 = t.ne(0);
        if (ne0 > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' rows of " + ne0 + " elements are too long to quantize");
        }
        List<Task> tasks = tasks(t);
        long srcRowBytes = t.rowBytes();
        long dstRowBytes = p.targetType().rowSize(ne0);
        int rowsPerChunk = rowsPerChunk(ne0);
        long rowsPerMatrix = t.ne(1);

        Function<Task, byte[]> work = task -> {
            // expert e's rows get expert e's importance; a 4-D tensor repeats the ne2 slices
            float[] imatrixSlice = importance == null ? null : importance[(int) ((task.firstRow() / rowsPerMatrix) % importance.length)];
            float[] f = new float[Math.toIntExact(task.rows() * ne0)];
            for (int r = 0; r < task.rows(); r++) {
                src.dequantizeRow(data, (task.firstRow() + r) * srcRowBytes, f, (int) (r * ne0), (int) ne0);
            }
            byte[] out = new byte[Math.toIntExact(task.rows() * dstRowBytes)];
            MemorySegment outSeg = MemorySegment.ofArray(out);
            for (int r = 0; r < task.rows(); r += rowsPerChunk) {
                int n = Math.min(rowsPerChunk, task.rows() - r);
                dst.quantize(f, (int) (r * ne0), n, (int) ne0, imatrixSlice, outSeg, r * dstRowBytes);
            }
            return out;
        };

        w.writeTensorData(sink -> {
            if (pool == null) {
                for (Task task : tasks) {
                    sink.write(MemorySegment.ofArray(work.apply(task)));
                }
                return;
            }
            // results are written in order while up to 2 tasks per thread run ahead
            ArrayDeque<Future<byte[]>> window = new ArrayDeque<>();
            int next = 0;
            while (next < tasks.size() || !window.isEmpty()) {
                while (next < tasks.size() && window.size() < 2 * threads) {
                    Task task = tasks.get(next++);
                    window.add(pool.submit(() -> work.apply(task)));
                }
                sink.write(MemorySegment.ofArray(await(window.poll(), t.name())));
            }
        });
    }

    private static byte[] await(Future<byte[]> f, String tensor) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while quantizing '" + tensor + "'", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException("quantizing '" + tensor + "' failed: " + c, c);
        }
    }

    /** Rows per quantize call: chunks of at least {@link #CHUNK_ELEMENTS} elements, whole rows (§5.2). */
    static int rowsPerChunk(long ne0) {
        return ne0 >= CHUNK_ELEMENTS ? 1 : (int) ((CHUNK_ELEMENTS + ne0 - 1) / ne0);
    }

    /** Splits a tensor's rows into tasks of whole chunks; tasks never span two matrices (MoE experts). */
    private static List<Task> tasks(GgufTensorInfo t) {
        long ne0 = t.ne(0);
        long rowsPerMatrix = t.ne(1);
        long matrices = t.ne(2) * t.ne(3);
        int rowsPerChunk = rowsPerChunk(ne0);
        long chunksPerTask = Math.max(1, TASK_ELEMENTS / (rowsPerChunk * ne0));
        int rowsPerTask = (int) Math.min(Integer.MAX_VALUE / Math.max(1, ne0), rowsPerChunk * chunksPerTask);
        List<Task> tasks = new ArrayList<>();
        for (long m = 0; m < matrices; m++) {
            for (long r = 0; r < rowsPerMatrix; r += rowsPerTask) {
                tasks.add(new Task(m * rowsPerMatrix + r, (int) Math.min(rowsPerTask, rowsPerMatrix - r)));
            }
        }
        return tasks;
    }

    private static QuantizeResult result(QuantPlan plan, long fileBytes) {
        Map<String, String> types = new LinkedHashMap<>();
        for (PlannedTensor p : plan.tensors()) {
            types.put(p.name(), p.targetType().typeName());
        }
        return new QuantizeResult(fileBytes, plan.parameterCount(), plan.tensorBytes(), plan.bitsPerWeight(), types);
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread th = new Thread(r, "quantize-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
    }
}
