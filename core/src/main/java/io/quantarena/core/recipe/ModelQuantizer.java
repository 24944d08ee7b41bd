package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufSplitNaming;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.gguf.GgufValue;
import io.quantarena.core.gguf.GgufWriter;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * Whole-model quantization to one target type, like {@code llama-quantize --pure}
 * (spec/quantize-tool.md §3, §4.6, §5): quantizable weights get the target type (or its
 * fallback when rows do not fit its blocks), everything else is copied verbatim. Source tensors
 * of any supported type are dequantized and re-quantized in row chunks on {@code threads}
 * workers and streamed to the output, so memory use is a few chunks per thread, not the model.
 */
public final class ModelQuantizer {

    /** llama-quantize's chunk: at least this many elements per quantize call (§5.2). */
    private static final int CHUNK_ELEMENTS = 16384;
    /** Elements one worker task handles (several chunks), to keep task overhead small. */
    private static final long TASK_ELEMENTS = 1 << 18;
    /** Quantization format version written by llama-quantize ({@code GGML_QNT_VERSION}). */
    static final int QUANTIZATION_VERSION = 2;

    private final Function<GgmlType, QuantCodec> codecs;

    public ModelQuantizer() {
        this(QuantCodecs::forType);
    }

    /** With a custom codec lookup (which must throw for unsupported types). */
    public ModelQuantizer(Function<GgmlType, QuantCodec> codecs) {
        this.codecs = Objects.requireNonNull(codecs, "codecs");
    }

    private record TensorPlan(GgufTensorInfo source, GgmlType outType) {
        boolean convert() {
            return outType != source.type();
        }
    }

    /** One unit of work: rows [firstRow, firstRow + rows) of a tensor, inside one matrix. */
    private record Task(long firstRow, int rows) {
    }

    /**
     * Runs the quantization.
     *
     * @throws CancellationException when {@code progress.cancelled()} turns true between tensors
     *                               (the partial output is deleted)
     * @throws IllegalArgumentException when the target type needs an importance matrix, or
     *                                  input and output are the same file
     * @throws UnsupportedOperationException when a needed codec is not implemented
     */
    public QuantizeResult quantize(QuantizeRequest req, QuantizeProgress progress) throws IOException {
        QuantizeProgress prog = progress == null ? QuantizeProgress.NONE : progress;
        GgmlType target = req.targetType();
        QuantCodec targetCodec = codecs.apply(target);
        if (targetCodec.requiresImatrix()) {
            throw new IllegalArgumentException("type " + target.typeName() + " requires an importance matrix, which this pipeline does not take");
        }
        LlamaFileType ftype = LlamaFileType.forUniformType(target);
        int threads = req.effectiveThreads();

        try (GgufFile in = GgufFile.open(req.input())) {
            for (Path p : in.paths()) {
                if (Files.exists(req.output()) && Files.isSameFile(p, req.output())) {
                    throw new IllegalArgumentException("output " + req.output() + " is the input file " + p);
                }
            }
            List<TensorPlan> plan = plan(in, target);
            for (TensorPlan p : plan) {
                if (p.convert()) { // fail before writing anything when a codec is missing
                    codecs.apply(p.source().type());
                    codecs.apply(p.outType());
                }
            }
            ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemonThreads()) : null;
            GgufWriter w = GgufWriter.create(req.output());
            boolean complete = false;
            try {
                copyMetadata(in, w, ftype);
                for (TensorPlan p : plan) {
                    w.addTensor(p.source().name(), p.source().ne(), p.outType());
                }
                for (int i = 0; i < plan.size(); i++) {
                    if (prog.cancelled()) {
                        throw new CancellationException("quantization of " + req.input() + " cancelled before tensor " + i + " of " + plan.size());
                    }
                    TensorPlan p = plan.get(i);
                    if (p.convert()) {
                        convert(in, p, w, pool, threads);
                    } else {
                        w.writeTensorData(in.tensorData(p.source()));
                    }
                    prog.onTensor(i, plan.size(), p.source().name(), p.outType(), w.bytesWritten());
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
            return result(plan, Files.size(req.output()));
        }
    }

    private static List<TensorPlan> plan(GgufFile in, GgmlType target) {
        List<TensorPlan> plan = new ArrayList<>(in.tensors().size());
        for (GgufTensorInfo t : in.tensors()) {
            GgmlType out = TensorQuantRules.isQuantizable(t)
                    ? TensorQuantRules.typeFor(target, t.ne(0)).orElse(t.type())
                    : t.type();
            plan.add(new TensorPlan(t, out));
        }
        return plan;
    }

    /** Input KVs in order without split keys, then quantization version and file type (§5.3). */
    private static void copyMetadata(GgufFile in, GgufWriter w, LlamaFileType ftype) {
        for (Map.Entry<String, GgufValue> e : in.metadata().asMap().entrySet()) {
            String k = e.getKey();
            if (!k.equals(GgufSplitNaming.KEY_SPLIT_NO) && !k.equals(GgufSplitNaming.KEY_SPLIT_COUNT)
                    && !k.equals(GgufSplitNaming.KEY_SPLIT_TENSORS_COUNT)) {
                w.put(k, e.getValue());
            }
        }
        w.put("general.quantization_version", GgufValue.ofUInt32(QUANTIZATION_VERSION));
        w.put("general.file_type", GgufValue.ofUInt32(ftype.value()));
    }

    private void convert(GgufFile in, TensorPlan p, GgufWriter w, ExecutorService pool, int threads) throws IOException {
        GgufTensorInfo t = p.source();
        QuantCodec src = codecs.apply(t.type());
        QuantCodec dst = codecs.apply(p.outType());
        MemorySegment data = in.tensorData(t);
        long ne0 = t.ne(0);
        if (ne0 > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' rows of " + ne0 + " elements are too long to quantize");
        }
        List<Task> tasks = tasks(t);
        long srcRowBytes = t.rowBytes();
        long dstRowBytes = p.outType().rowSize(ne0);
        int rowsPerChunk = rowsPerChunk(ne0);

        Function<Task, byte[]> work = task -> {
            float[] f = new float[Math.toIntExact(task.rows() * ne0)];
            for (int r = 0; r < task.rows(); r++) {
                src.dequantizeRow(data, (task.firstRow() + r) * srcRowBytes, f, (int) (r * ne0), (int) ne0);
            }
            byte[] out = new byte[Math.toIntExact(task.rows() * dstRowBytes)];
            MemorySegment outSeg = MemorySegment.ofArray(out);
            for (int r = 0; r < task.rows(); r += rowsPerChunk) {
                int n = Math.min(rowsPerChunk, task.rows() - r);
                dst.quantize(f, (int) (r * ne0), n, (int) ne0, null, outSeg, r * dstRowBytes);
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

    private static QuantizeResult result(List<TensorPlan> plan, long fileBytes) {
        long params = 0;
        long bytes = 0;
        Map<String, String> types = new LinkedHashMap<>();
        for (TensorPlan p : plan) {
            GgufTensorInfo t = p.source();
            params += t.elementCount();
            bytes += GgufTensorInfo.byteSize(p.outType(), t.ne());
            types.put(t.name(), p.outType().typeName());
        }
        return new QuantizeResult(fileBytes, params, bytes, params == 0 ? 0 : bytes * 8.0 / params, types);
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
