package io.quantarena.core.imatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Collects importance statistics while a model runs, the way llama-imatrix does
 * (spec/quantize-tool.md §6.3): per weight tensor and input column the sum of squared
 * activations and how many activation rows contributed, per expert for MoE stacks, plus the
 * number of matmul invocations (ncall). {@link #toImatrix} turns them into the stored form
 * {@code (sum/count)·ncall}. Thread-safe: different tensors can be fed concurrently.
 */
public final class ImatrixAccumulator {

    /** llama-imatrix ignores dense matmuls with fewer activation rows (tokens) than this. */
    public static final int MIN_DENSE_ROWS = 16;

    private static final class Stats {
        final int ne0;
        final int nMat;
        final double[] sums;
        final long[] counts;
        int ncall;

        Stats(int ne0, int nMat) {
            this.ne0 = ne0;
            this.nMat = nMat;
            this.sums = new double[Math.multiplyExact(ne0, nMat)];
            this.counts = new long[sums.length];
        }
    }

    private final Map<String, Stats> stats = new ConcurrentHashMap<>();

    /**
     * Whether llama-imatrix records a dense matmul of this (cleaned) weight name with
     * {@code rows} activation rows: at least {@link #MIN_DENSE_ROWS} rows, and a layer weight
     * ({@code blk.*}), an MTP projection, or the output tensor when {@code processOutput}.
     */
    public static boolean collectsDense(String weightName, int rows, boolean processOutput) {
        if (rows < MIN_DENSE_ROWS) {
            return false;
        }
        return weightName.startsWith("blk.") || weightName.contains("mtp_pre_proj") || weightName.contains("mtp_post_proj")
                || (processOutput && weightName.equals("output.weight"));
    }

    /** The weight name without a backend prefix or suffix separated by '#' ({@code CUDA0#blk.0.x#0}). */
    public static String cleanName(String name) {
        int a = name.indexOf('#');
        if (a < 0) {
            return name;
        }
        String rest = name.substring(a + 1);
        int b = rest.indexOf('#');
        return b < 0 ? rest : rest.substring(0, b);
    }

    /**
     * One dense matmul invocation: {@code rows} activation rows of {@code ne0} values starting at
     * {@code x[offset]}. Adds x² per column, counts each row, and counts one call.
     *
     * @throws IllegalArgumentException on a NaN/infinite activation (llama-imatrix aborts too),
     *                                  or when the tensor was seen with another shape
     */
    public void addDense(String weightName, float[] x, int offset, int rows, int ne0) {
        Stats s = stats(weightName, ne0, 1);
        checkFinite(weightName, x, offset, rows * ne0);
        synchronized (s) {
            for (int r = 0; r < rows; r++) {
                int base = offset + r * ne0;
                for (int j = 0; j < ne0; j++) {
                    double v = x[base + j];
                    s.sums[j] += v * v;
                    s.counts[j]++;
                }
            }
            s.ncall++;
        }
    }

    /**
     * One MoE matmul invocation on the expert stack {@code weightName} of {@code nExpert}
     * experts: activation row r (at {@code x[offset + r·ne0]}) was fed to expert
     * {@code expertIds[r]}; one row per token and selected slot. Counts one call.
     */
    public void addExperts(String weightName, int nExpert, float[] x, int offset, int[] expertIds, int rows, int ne0) {
        Stats s = stats(weightName, ne0, nExpert);
        checkFinite(weightName, x, offset, rows * ne0);
        for (int r = 0; r < rows; r++) {
            if (expertIds[r] < 0 || expertIds[r] >= nExpert) {
                throw new IllegalArgumentException("imatrix '" + weightName + "': row " + r + " has expert id " + expertIds[r]
                        + ", expected 0.." + (nExpert - 1));
            }
        }
        synchronized (s) {
            for (int r = 0; r < rows; r++) {
                int base = offset + r * ne0;
                int col0 = expertIds[r] * ne0;
                for (int j = 0; j < ne0; j++) {
                    double v = x[base + j];
                    s.sums[col0 + j] += v * v;
                    s.counts[col0 + j]++;
                }
            }
            s.ncall++;
        }
    }

    /**
     * Adds a stored imatrix like {@code llama-imatrix --in-file}: each value goes to the sums,
     * its entry's ncall to the counts and to ncall, so {@code (sum/count)·ncall} stays the
     * stored value when combining files. Entries must be a multiple of {@code ne0} long;
     * {@code nExpertOf} gives the expert count for a name (1 for dense tensors).
     */
    public void merge(Imatrix im, java.util.function.ToIntFunction<String> nExpertOf) {
        for (ImatrixEntry e : im.entries()) {
            int nMat = Math.max(1, nExpertOf.applyAsInt(e.name()));
            if (e.size() % nMat != 0) {
                throw new IllegalArgumentException("imatrix entry '" + e.name() + "' has " + e.size() + " values, not a multiple of "
                        + nMat + " experts");
            }
            Stats s = stats(e.name(), e.size() / nMat, nMat);
            float[] v = e.values();
            synchronized (s) {
                for (int j = 0; j < v.length; j++) {
                    s.sums[j] += v[j];
                    s.counts[j] += e.ncall();
                }
                s.ncall += e.ncall();
            }
        }
    }

    /** Names of the tensors seen so far. */
    public List<String> names() {
        return List.copyOf(stats.keySet());
    }

    /** ncall of one tensor (0 when unseen). */
    public int calls(String weightName) {
        Stats s = stats.get(weightName);
        if (s == null) {
            return 0;
        }
        synchronized (s) {
            return s.ncall;
        }
    }

    /**
     * The stored form (spec/quantize-tool.md §6.3 "Saving"): entries in name order with
     * {@code value_j = (sum_j/count_j)·ncall}; entries without any data are skipped; entries
     * with partly missing data are skipped too, except MoE stacks where fewer than
     * round(5% of the experts) lack data: those experts get sums and counts of 1 (a warning is
     * reported). Chunk count = the highest ncall.
     *
     * @param dataset  the text the statistics were computed on (recorded in the file), or null
     * @param warnings receives one line per skipped or patched entry
     */
    public Imatrix toImatrix(String dataset, Consumer<String> warnings) {
        List<ImatrixEntry> out = new ArrayList<>();
        int lastCall = 0;
        for (String name : stats.keySet().stream().sorted().toList()) {
            Stats s = stats.get(name);
            synchronized (s) {
                lastCall = Math.max(lastCall, s.ncall);
                ImatrixEntry e = entry(name, s, warnings);
                if (e != null) {
                    out.add(e);
                }
            }
        }
        return new Imatrix(out, lastCall, dataset, null);
    }

    private static ImatrixEntry entry(String name, Stats s, Consumer<String> warnings) {
        double[] sums = s.sums.clone();
        long[] counts = s.counts.clone();
        int zero = 0;
        for (long c : counts) {
            if (c == 0) {
                zero++;
            }
        }
        if (zero == counts.length) {
            warnings.accept("imatrix: skipping '" + name + "': no data");
            return null;
        }
        if (zero > 0) {
            List<Integer> missing = new ArrayList<>();
            for (int e = 0; e < s.nMat; e++) {
                if (counts[e * s.ne0] == 0) {
                    missing.add(e);
                }
            }
            boolean patchable = s.nMat > 1 && missing.size() < Math.round(0.05 * s.nMat)
                    && missing.size() * (long) s.ne0 == zero;
            if (!patchable) {
                warnings.accept("imatrix: skipping '" + name + "': " + zero + " of " + counts.length + " columns have no data");
                return null;
            }
            for (int e : missing) {
                for (int j = e * s.ne0; j < (e + 1) * s.ne0; j++) {
                    sums[j] = 1;
                    counts[j] = 1;
                }
            }
            warnings.accept("imatrix: '" + name + "': experts " + missing + " have no data; storing them as 1");
        }
        float[] values = new float[sums.length];
        for (int j = 0; j < values.length; j++) {
            values[j] = (float) (sums[j] / counts[j] * s.ncall);
        }
        return new ImatrixEntry(name, s.ncall, values);
    }

    private Stats stats(String name, int ne0, int nMat) {
        if (ne0 <= 0 || nMat <= 0) {
            throw new IllegalArgumentException("imatrix '" + name + "': ne0 " + ne0 + " and expert count " + nMat + " must be > 0");
        }
        Stats s = stats.computeIfAbsent(name, k -> new Stats(ne0, nMat));
        if (s.ne0 != ne0 || s.nMat != nMat) {
            throw new IllegalArgumentException("imatrix '" + name + "' was collected with ne0 " + s.ne0 + " x " + s.nMat
                    + " experts, now ne0 " + ne0 + " x " + nMat);
        }
        return s;
    }

    private static void checkFinite(String name, float[] x, int offset, int n) {
        for (int i = offset; i < offset + n; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException("imatrix '" + name + "': activation " + (i - offset) + " is " + x[i]);
            }
        }
    }
}
