package io.quantarena.core.eval;

/**
 * Every number of llama-perplexity's KL-divergence report (spec perplexity.md §4.5). Δp and
 * same-top values are fractions (the report prints them ×100 as percent).
 *
 * @param count               scored positions
 * @param corLnPpl            correlation of ln PPL(Q) and ln PPL(base), a fraction
 * @param kldPercentiles      KLD at 99.9, 99, 95, 90, 10, 5, 1, 0.1 % (see {@link #KLD_LEVELS})
 * @param dpPercentiles       Δp at 99.9, 99, 95, 90, 75, 25, 10, 5, 1, 0.1 % (see {@link #DP_LEVELS})
 */
public record KldSummary(
        long count,
        double pplQ, double pplQErr,
        double pplBase, double pplBaseErr,
        double corLnPpl,
        double meanLnRatio, double meanLnRatioErr,
        double pplRatio, double pplRatioErr,
        double pplDiff, double pplDiffErr,
        double kldMean, double kldMeanErr,
        double kldMax, double kldMedian, double kldMin,
        double[] kldPercentiles,
        double dpMean, double dpMeanErr,
        double dpMax, double dpMedian, double dpMin,
        double[] dpPercentiles,
        double dpRms, double dpRmsErr,
        double sameTop, double sameTopErr) {

    public static final double[] KLD_LEVELS = {0.999, 0.990, 0.950, 0.900, 0.100, 0.050, 0.010, 0.001};
    public static final double[] DP_LEVELS = {0.999, 0.990, 0.950, 0.900, 0.750, 0.250, 0.100, 0.050, 0.010, 0.001};

    /** KLD at a level of {@link #KLD_LEVELS}. */
    public double kldPercentile(double level) {
        return kldPercentiles[indexOf(KLD_LEVELS, level)];
    }

    /** Δp at a level of {@link #DP_LEVELS}. */
    public double dpPercentile(double level) {
        return dpPercentiles[indexOf(DP_LEVELS, level)];
    }

    private static int indexOf(double[] levels, double level) {
        for (int i = 0; i < levels.length; i++) {
            if (levels[i] == level) {
                return i;
            }
        }
        throw new IllegalArgumentException("percentile level " + level + " is not reported; reported: "
                + java.util.Arrays.toString(levels));
    }
}
