package io.quantarena.core.bench;

import java.io.PrintStream;
import java.util.Locale;

/** Prints {@link QuantizeBenchResult}s as a markdown table, one row per target type. */
public final class QuantizeBenchTable {

    private static final String HEADER = "| type | ftype | size | bytes | bpw | input MB | seconds | MB/s | cores used | MB/s per core | imatrix | load avg |";
    private static final String RULE = "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |";

    private final PrintStream out;

    public QuantizeBenchTable(PrintStream out) {
        this.out = out;
    }

    public void header() {
        out.println(HEADER);
        out.println(RULE);
        out.flush();
    }

    /** @param loadAverage the machine's load when the row finished (1, 5, 15 minutes) */
    public void row(QuantizeBenchResult r, String loadAverage) {
        boolean known = !Double.isNaN(r.coresUsed()) && r.coresUsed() > 0;
        String cores = known ? String.format(Locale.ROOT, "%.2f", r.coresUsed()) : "-";
        String perCore = known ? String.format(Locale.ROOT, "%.1f", r.megabytesPerCpuSecond()) : "-";
        out.printf(Locale.ROOT, "| %s | %s | %s | %d | %.4f | %.1f | %.2f | %.1f | %s | %s | %s | %s |%n", r.type().name(), r.ftype(),
                BenchTable.size(r.fileBytes()), r.fileBytes(), r.bitsPerWeight(), r.inputBytes() / 1e6, r.seconds(),
                r.megabytesPerSecond(), cores, perCore, r.imatrix(), loadAverage);
        out.flush();
    }
}
