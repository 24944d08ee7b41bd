package io.quantarena.core.synth;

import io.quantarena.core.gguf.GgufValue;
import io.quantarena.core.gguf.GgufWriter;
import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streams a {@link SyntheticModel} to a GGUF file. Matrices are generated and quantized (through
 * the {@link QuantCodecs}) in row chunks of about {@link #TASK_ELEMENTS} values on a pool of
 * threads and written in order while at most two chunks per thread are in flight, so memory use
 * is a few MiB whatever the model size. Each chunk's random values come from a seed derived from
 * (seed, tensor, first row), so the file is the same for any thread count.
 */
public final class SyntheticModelWriter {

    /** Values generated and quantized per task (4 MiB of floats). */
    static final long TASK_ELEMENTS = 1 << 20;

    /** Called after each tensor is written. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (index, total, name, bytes) -> {
        };

        void onTensor(int index, int total, String name, long bytesWritten);
    }

    private SyntheticModelWriter() {
    }

    /**
     * Writes {@code model} to {@code output} (created or replaced) with {@code threads} quantizing
     * threads; the partial file is deleted on failure.
     */
    public static void write(SyntheticModel model, Path output, int threads, long seed, Progress progress)
            throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count " + threads + ", expected >= 1");
        }
        Progress prog = progress == null ? Progress.NONE : progress;
        for (SyntheticTensor t : model.tensors()) {
            QuantCodecs.forType(t.type()); // fail before writing when a codec is missing
        }
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemonThreads()) : null;
        GgufWriter w = GgufWriter.create(output);
        boolean complete = false;
        try {
            for (Map.Entry<String, GgufValue> e : model.metadata().entrySet()) {
                w.put(e.getKey(), e.getValue());
            }
            for (SyntheticTensor t : model.tensors()) {
                w.addTensor(t.name(), t.ne(), t.type());
            }
            int n = model.tensors().size();
            for (int i = 0; i < n; i++) {
                SyntheticTensor t = model.tensors().get(i);
                writeTensor(w, t, i, model.shape(), seed, pool, threads);
                prog.onTensor(i, n, t.name(), w.bytesWritten());
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
    }

    private static void writeTensor(GgufWriter w, SyntheticTensor t, int index, SynthShape shape, long seed,
                                    ExecutorService pool, int threads) throws IOException {
        QuantCodec codec = QuantCodecs.forType(t.type());
        int cols = t.cols();
        long rows = t.rows();
        long rowBytes = t.type().rowSize(cols);
        int rowsPerTask = (int) Math.max(1, Math.min(rows, TASK_ELEMENTS / cols));
        // types that need an importance matrix get a uniform one: random weights have no preferred columns
        float[] importance = codec.requiresImatrix() ? ones(cols) : null;
        TaskBody body = firstRow -> {
            int n = (int) Math.min(rowsPerTask, rows - firstRow);
            float[] values = new float[n * cols];
            switch (t.fill()) {
                case ONES -> Arrays.fill(values, 1f);
                case ROPE_FREQS -> System.arraycopy(SyntheticModel.llama3RopeFreqs(shape.headDim(), shape.ropeBase()), 0,
                        values, 0, cols);
                case GAUSSIAN -> gaussian(values, new SplittableRandom(taskSeed(seed, index, firstRow)));
            }
            byte[] out = new byte[Math.toIntExact(n * rowBytes)];
            codec.quantize(values, 0, n, cols, importance, MemorySegment.ofArray(out), 0);
            return out;
        };
        w.writeTensorData(sink -> {
            if (pool == null || rows <= rowsPerTask) {
                for (long r = 0; r < rows; r += rowsPerTask) {
                    sink.write(MemorySegment.ofArray(body.run(r)));
                }
                return;
            }
            ArrayDeque<Future<byte[]>> window = new ArrayDeque<>();
            long next = 0;
            while (next < rows || !window.isEmpty()) {
                while (next < rows && window.size() < 2 * threads) {
                    long first = next;
                    window.add(pool.submit(() -> body.run(first)));
                    next += rowsPerTask;
                }
                sink.write(MemorySegment.ofArray(await(window.poll(), t.name())));
            }
        });
    }

    private interface TaskBody {
        byte[] run(long firstRow);
    }

    private static void gaussian(float[] values, SplittableRandom rnd) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rnd.nextGaussian() * SyntheticModel.WEIGHT_SIGMA;
        }
    }

    /** SplitMix64-mixed seed of one chunk, independent of the order in which chunks run. */
    static long taskSeed(long seed, int tensor, long firstRow) {
        return mix(mix(seed + 0x9E3779B97F4A7C15L * (tensor + 1)) ^ firstRow);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static float[] ones(int n) {
        float[] f = new float[n];
        Arrays.fill(f, 1f);
        return f;
    }

    private static byte[] await(Future<byte[]> f, String tensor) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating '" + tensor + "'", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException("generating '" + tensor + "' failed: " + c, c);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread th = new Thread(r, "synth-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
    }
}
