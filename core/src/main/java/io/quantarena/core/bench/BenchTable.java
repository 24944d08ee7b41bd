package io.quantarena.core.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints results as a markdown table in llama-bench's layout (model, size, params, backend,
 * threads, test, t/s as mean ± sd), plus the best repetition, the cores the process actually got
 * (the machine may be shared) and, for generation, the measured bandwidth, the bandwidth bound and
 * the best run as a fraction of it.
 */
public final class BenchTable {

    private static final String HEADER = "| model | size | params | backend | threads | test | t/s | best t/s | cores used | read GB/s | bound t/s | % of bound |";
    private static final String RULE = "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

    private final PrintStream out;

    public BenchTable(PrintStream out) {
        this.out = out;
    }

    public void header() {
        out.println(HEADER);
        out.println(RULE);
    }

    public void row(BenchResult r) {
        String bound = r.hasBound()
                ? String.format(Locale.ROOT, " %.1f | %.2f | %.0f%% |", r.bandwidth() / 1e9, r.boundTokensPerSecond(),
                100 * r.fractionOfBound())
                : " - | - | - |";
        String cores = Double.isNaN(r.coresUsed()) ? "-" : String.format(Locale.ROOT, "%.2f", r.coresUsed());
        out.printf(Locale.ROOT, "| %s | %s | %s | %s | %d | %s | %.2f ± %.2f | %.2f | %s |%s%n", r.model(), size(r.size()),
                params(r.params()), r.backend(), r.threads(), r.test(), r.mean(), r.stddev(), r.best(), cores, bound);
        out.flush();
    }

    static String size(long bytes) {
        double gib = bytes / (double) (1L << 30);
        return gib >= 1 ? String.format(Locale.ROOT, "%.2f GiB", gib)
                : String.format(Locale.ROOT, "%.2f MiB", bytes / (double) (1L << 20));
    }

    static String params(long n) {
        return n >= 1e9 ? String.format(Locale.ROOT, "%.2f B", n / 1e9) : String.format(Locale.ROOT, "%.2f M", n / 1e6);
    }
}
