package io.quantarena.core.bench;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.kernel.bench.MachineCeilings;
import io.quantarena.core.model.CpuBackend;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.model.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * llama-bench's two tests on one model: prompt processing ({@code ppN}: N random tokens in
 * micro-batches into an empty cache, logits of the last one) and generation ({@code tgN}: N
 * single-token decodes into an empty cache). Each runs once untimed (JIT warm-up), then
 * {@code reps} timed repetitions. Generation is also set against the bandwidth bound: the read
 * bandwidth measured with the same thread count just before the test, divided into the bytes
 * one token reads ({@link DecodeTraffic}).
 */
public final class ModelBench {

    /**
     * @param nPrompt        prompt tokens of the pp test (0: no pp test)
     * @param nGen           tokens of the tg test (0: no tg test)
     * @param bandwidthBytes size of the buffer the bandwidth is measured on (far beyond the caches)
     */
    public record Config(int nPrompt, int nGen, int reps, int ubatch, KvCacheType cacheType, long bandwidthBytes,
                         long seed) {
        public Config {
            if (nPrompt < 0 || nGen < 0 || (nPrompt == 0 && nGen == 0) || reps < 1 || ubatch < 1) {
                throw new IllegalArgumentException("bench config: pp " + nPrompt + ", tg " + nGen + ", reps " + reps
                        + ", ubatch " + ubatch + " (expected pp, tg >= 0, not both 0, reps and ubatch >= 1)");
            }
        }
    }

    private ModelBench() {
    }

    /** llama-bench's model column: architecture, size class, file type, e.g. {@code llama 1B Q4_K - Medium}. */
    public static String describe(ModelFile mf) {
        GgufFile g = mf.gguf();
        double p = g.parameterCount();
        String size = p >= 1e9 ? String.format(Locale.ROOT, "%.0fB", p / 1e9) : String.format(Locale.ROOT, "%.0fM", p / 1e6);
        String ftype = g.metadata().findLong("general.file_type").map(LlamaFileType::byValueOrNull)
                .map(LlamaFileType::printedName).orElse("?");
        return mf.hparams().arch().ggufName() + " " + size + (mf.hparams().nExpert() > 0 ? " MoE" : "") + " " + ftype;
    }

    /** Runs the tests with {@code threads} threads, handing each result to {@code sink} as it completes. */
    public static List<BenchResult> run(ModelFile mf, int threads, Config cfg, Consumer<BenchResult> sink) {
        String name = describe(mf);
        long size = mf.gguf().tensorBytes();
        long params = mf.gguf().parameterCount();
        int nVocab = mf.hparams().nVocab();
        Random rnd = new Random(cfg.seed());
        int[] prompt = new int[Math.max(1, cfg.nPrompt())];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = rnd.nextInt(nVocab);
        }
        int[] gen = new int[Math.max(1, cfg.nGen())];
        for (int i = 0; i < gen.length; i++) {
            gen[i] = rnd.nextInt(nVocab);
        }
        List<BenchResult> results = new ArrayList<>();
        try (CpuBackend backend = new CpuBackend(threads)) {
            Session s = new Session(mf.model(), backend, Math.max(cfg.nPrompt(), cfg.nGen()), cfg.ubatch(),
                    cfg.cacheType());
            String be = "CPU";
            if (cfg.nPrompt() > 0) {
                double[] samples = new double[cfg.reps()];
                promptSeconds(s, prompt);
                CpuClock clock = CpuClock.start();
                for (int r = 0; r < cfg.reps(); r++) {
                    samples[r] = prompt.length / promptSeconds(s, prompt);
                }
                BenchResult res = new BenchResult(name, size, params, be, threads, "pp" + cfg.nPrompt(), samples,
                        Double.NaN, Double.NaN, clock.coresUsed());
                results.add(res);
                sink.accept(res);
            }
            if (cfg.nGen() > 0) {
                double[] samples = new double[cfg.reps()];
                genSeconds(s, gen);
                // wall clock, like t/s; probed before and after the timed runs and the larger kept (as
                // bench-kernels does): a probe during a contended moment alone read 18 of 27 GB/s and
                // made the bound too low and "% of bound" too high
                double bandwidth = MachineCeilings.readBandwidth(cfg.bandwidthBytes(), threads, 3)[0];
                CpuClock clock = CpuClock.start();
                for (int r = 0; r < cfg.reps(); r++) {
                    samples[r] = gen.length / genSeconds(s, gen);
                }
                double cores = clock.coresUsed();
                bandwidth = Math.max(bandwidth, MachineCeilings.readBandwidth(cfg.bandwidthBytes(), threads, 3)[0]);
                double bytes = DecodeTraffic.bytesPerToken(mf.model(), (gen.length + 1) / 2.0, cfg.cacheType());
                BenchResult res = new BenchResult(name, size, params, be, threads, "tg" + cfg.nGen(), samples,
                        bandwidth, bytes, cores);
                results.add(res);
                sink.accept(res);
            }
        }
        return results;
    }

    /** Process CPU time against wall time: how many cores the process actually had. */
    private record CpuClock(long cpu0, long wall0) {
        static CpuClock start() {
            return new CpuClock(processCpuNanos(), System.nanoTime());
        }

        double coresUsed() {
            long cpu = processCpuNanos();
            return cpu < 0 || cpu0 < 0 ? Double.NaN : (double) (cpu - cpu0) / (System.nanoTime() - wall0);
        }

        private static long processCpuNanos() {
            return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
        }
    }

    private static double promptSeconds(Session s, int[] prompt) {
        s.clear();
        long t0 = System.nanoTime();
        s.evaluate(prompt, 0, prompt.length, prompt.length - 1);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double genSeconds(Session s, int[] tokens) {
        s.clear();
        long t0 = System.nanoTime();
        for (int i = 0; i < tokens.length; i++) {
            s.evaluate(tokens, i, 1, 0);
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
