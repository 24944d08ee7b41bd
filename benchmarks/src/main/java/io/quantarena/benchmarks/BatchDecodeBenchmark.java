package io.quantarena.benchmarks;

import io.quantarena.core.model.BatchDecoder;
import io.quantarena.core.model.CpuBackend;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.model.Sequence;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Aggregate generation speed of continuous batching: {@code S} sequences decoding together for
 * {@code N} tokens each, against one sequence alone, on {@code T} threads (what the inference-worker's
 * scheduler runs per decode step; no HTTP). Greedy tokens, end-of-generation ignored.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp ... io.quantarena.benchmarks.BatchDecodeBenchmark MODEL.gguf [THREADS=2] [TOKENS=64] [STREAMS=1,4]</pre>
 */
public final class BatchDecodeBenchmark {

    private BatchDecodeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: BatchDecodeBenchmark MODEL.gguf [THREADS=2] [TOKENS=64] [STREAMS=1,4]");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        String[] streams = (args.length > 3 ? args[3] : "1,4").split(",");
        try (ModelFile mf = ModelFile.open(model, List.of()); CpuBackend backend = new CpuBackend(threads)) {
            int maxStreams = 1;
            for (String s : streams) {
                maxStreams = Math.max(maxStreams, Integer.parseInt(s.trim()));
            }
            BatchDecoder decoder = new BatchDecoder(mf.model(), backend, maxStreams, 512);
            run(decoder, mf, maxStreams, tokens); // warm-up (JIT)
            System.out.printf(Locale.ROOT, "%s, %s, %d tokens per stream%n", model.getFileName(), backend.description(), tokens);
            for (String s : streams) {
                int n = Integer.parseInt(s.trim());
                double[] best = {0, 0};
                for (int rep = 0; rep < 3; rep++) {
                    double[] r = run(decoder, mf, n, tokens);
                    if (r[0] > best[0]) {
                        best = r;
                    }
                }
                System.out.printf(Locale.ROOT, "streams %d: %8.1f tokens/s aggregate (%6.1f per stream, %6.2f ms per step)%n",
                        n, best[0], best[0] / n, best[1]);
            }
        }
    }

    /** Returns {aggregate tokens/s, ms per decode step}. */
    private static double[] run(BatchDecoder decoder, ModelFile mf, int streams, int tokens) {
        int nVocab = mf.hparams().nVocab();
        List<Sequence> seqs = new ArrayList<>();
        int[] next = new int[streams];
        for (int i = 0; i < streams; i++) {
            Sequence s = new Sequence(mf.model(), tokens + 16, KvCacheType.F16);
            // different one-token prompts, so the sequences differ
            float[] logits = decoder.prefill(s, new int[]{1, 100 + i}, 0, 2);
            next[i] = argmax(logits, 0, nVocab);
            seqs.add(s);
        }
        long t0 = System.nanoTime();
        for (int step = 0; step < tokens; step++) {
            float[] logits = decoder.step(seqs, next);
            for (int i = 0; i < streams; i++) {
                next[i] = argmax(logits, i * nVocab, nVocab);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new double[]{streams * tokens / seconds, seconds * 1000 / tokens};
    }

    private static int argmax(float[] l, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (l[off + i] > l[off + best]) {
                best = i;
            }
        }
        return best;
    }
}
