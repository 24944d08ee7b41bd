package io.quantarena.core.eval;

import io.quantarena.core.model.FastExp;

import java.util.Arrays;
import java.util.Locale;

/**
 * Accumulates llama-perplexity's KL-divergence statistics of a model's logits against base
 * log-probability records (spec perplexity.md §4): per scored position, the nll under both
 * models, KL(base ‖ current), the change in the correct token's probability and whether the
 * top token agrees.
 */
public final class KlDivergenceStats {

    private double sumNll, sumNll2, sumNllBase, sumNllBase2, sumNllNllBase;
    private double sumKld, sumKld2;
    private double sumDp, sumDp2, sumDp4;
    private float maxAbsDp;
    private long sameTop;
    private long count;
    private float[] klds = new float[1024];
    private float[] dps = new float[1024];
    private float[] baseLogProbs = new float[0];

    /**
     * Adds one position: the current model's logits {@code logits[off … off+nVocab)}, the base
     * record of the same position and the true next token.
     */
    public void add(float[] logits, int off, int nVocab, BaseLogitsFile.Record base, int target) {
        if (baseLogProbs.length < nVocab) {
            baseLogProbs = new float[nVocab];
        }
        base.logProbs(baseLogProbs);
        add(logits, off, nVocab, baseLogProbs, target);
    }

    /** As {@link #add(float[], int, int, BaseLogitsFile.Record, int)} with decoded base log-probabilities. */
    public void add(float[] logits, int off, int nVocab, float[] lb, int target) {
        int imax = LogSoftmax.argmax(logits, off, nVocab);
        float max = logits[off + imax];
        float lse = LogSoftmax.logSumExpShifted(logits, off, nVocab, max);
        float nll = max + lse - logits[off + target];
        float nllBase = -lb[target];
        sumNll += nll;
        sumNll2 += (double) nll * nll;
        sumNllBase += nllBase;
        sumNllBase2 += (double) nllBase * nllBase;
        sumNllNllBase += (double) nll * nllBase;

        float shift = max + lse;
        double kld = 0.0;
        int imaxBase = 0;
        float bestBase = lb[0];
        for (int i = 0; i < nVocab; i++) {
            float b = lb[i];
            if (b > bestBase) {
                bestBase = b;
                imaxBase = i;
            }
            if (b > -16f) {
                float pb = FastExp.exp(b);
                kld += pb * (b - logits[off + i] + shift);
            }
        }
        sumKld += kld;
        sumKld2 += kld * kld;
        if (imax == imaxBase) {
            sameTop++;
        }
        float dp = FastExp.exp(-nll) - FastExp.exp(-nllBase);
        sumDp += dp;
        double dp2 = (double) (dp * dp);
        sumDp2 += dp2;
        sumDp4 += dp2 * dp2;
        maxAbsDp = Math.max(maxAbsDp, Math.abs(dp));
        if (count == klds.length) {
            klds = Arrays.copyOf(klds, klds.length * 2);
            dps = Arrays.copyOf(dps, dps.length * 2);
        }
        klds[(int) count] = (float) kld;
        dps[(int) count] = dp;
        count++;
    }

    public long count() {
        return count;
    }

    /** (mean, uncertainty) with llama-perplexity's rules: no uncertainty for N ≤ 10. */
    static double[] meanAndUnc(double s, double s2, long n) {
        if (n < 1) {
            return new double[]{0, 0};
        }
        double mean = s / n;
        double var = s2 / n - mean * mean;
        double unc = var > 0 && n > 10 ? Math.sqrt(var / (n - 1)) : 0;
        return new double[]{mean, unc};
    }

    static double cov(double sa, double sb, double sab, long n) {
        if (n < 10) {
            return 0;
        }
        return (sab / n - (sa / n) * (sb / n)) / (n - 1);
    }

    /** The cumulative per-chunk line (after the header {@link #CHUNK_HEADER}). */
    public String chunkLine(int chunkNumber) {
        double[] lp = meanAndUnc(sumNll, sumNll2, count);
        double[] lpb = meanAndUnc(sumNllBase, sumNllBase2, count);
        double c = cov(sumNll, sumNllBase, sumNllNllBase, count);
        double ratioUnc = Math.sqrt(lp[1] * lp[1] + lpb[1] * lpb[1] - 2 * c);
        double[] kl = meanAndUnc(sumKld, sumKld2, count);
        double[] mse = meanAndUnc(sumDp2, sumDp4, count);
        double rms = Math.sqrt(mse[0]);
        double rmsUnc = 0.5 / rms * mse[1];
        double same = (double) sameTop / count;
        double sameUnc = Math.sqrt(same * (1 - same) / (count - 1));
        double ppl = Math.exp(lp[0]);
        return String.format(Locale.ROOT, "%4d    %9.4f ± %9.4f    %10.5f ± %10.5f    %10.5f ± %10.5f    %6.3f ± %6.3f %%    %6.3f ± %6.3f %%",
                chunkNumber, ppl, ppl * lp[1], lp[0] - lpb[0], ratioUnc, kl[0], kl[1],
                100 * rms, 100 * rmsUnc, 100 * same, 100 * sameUnc);
    }

    public static final String CHUNK_HEADER =
            "chunk             PPL               ln(PPL(Q)/PPL(base))          KL Divergence              Δp RMS            Same top p";

    /** All statistics so far. */
    public KldSummary summary() {
        double[] lp = meanAndUnc(sumNll, sumNll2, count);
        double[] lpb = meanAndUnc(sumNllBase, sumNllBase2, count);
        double c = cov(sumNll, sumNllBase, sumNllNllBase, count);
        double p = Math.exp(lp[0]);
        double pb = Math.exp(lpb[0]);
        double ratioUnc = Math.sqrt(lp[1] * lp[1] + lpb[1] * lpb[1] - 2 * c);
        double ratio = Math.exp(lp[0] - lpb[0]);
        double diffUnc = Math.sqrt(p * lp[1] * p * lp[1] + pb * lpb[1] * pb * lpb[1] - 2 * p * pb * c);
        double[] kl = meanAndUnc(sumKld, sumKld2, count);
        double[] dpm = meanAndUnc(sumDp, sumDp2, count);
        double[] mse = meanAndUnc(sumDp2, sumDp4, count);
        double rms = Math.sqrt(mse[0]);
        double same = (double) sameTop / count;

        int n = (int) count;
        float[] k = Arrays.copyOf(klds, n);
        float[] d = Arrays.copyOf(dps, n);
        Arrays.sort(k);
        Arrays.sort(d);
        double[] kp = new double[KldSummary.KLD_LEVELS.length];
        for (int i = 0; i < kp.length; i++) {
            kp[i] = percentile(k, (float) KldSummary.KLD_LEVELS[i]);
        }
        double[] dp = new double[KldSummary.DP_LEVELS.length];
        for (int i = 0; i < dp.length; i++) {
            dp[i] = percentile(d, (float) KldSummary.DP_LEVELS[i]);
        }
        return new KldSummary(count, p, p * lp[1], pb, pb * lpb[1], c / (lp[1] * lpb[1]),
                lp[0] - lpb[0], ratioUnc, ratio, ratio * ratioUnc, p - pb, diffUnc,
                kl[0], kl[1], n > 0 ? k[n - 1] : 0, median(k), n > 0 ? k[0] : 0, kp,
                dpm[0], dpm[1], n > 0 ? d[n - 1] : 0, median(d), n > 0 ? d[0] : 0, dp,
                rms, 0.5 / rms * mse[1], same, Math.sqrt(same * (1 - same) / (count - 1)));
    }

    /** The largest |Δp| seen. */
    public float maxAbsDp() {
        return maxAbsDp;
    }

    /** Median of sorted values, in float. */
    static float median(float[] v) {
        int n = v.length;
        if (n == 0) {
            return 0f;
        }
        return n % 2 == 0 ? 0.5f * (v[n / 2] + v[n / 2 - 1]) : v[n / 2];
    }

    /** Linear-interpolation percentile of sorted values, in float. */
    static float percentile(float[] v, float f) {
        int n = v.length;
        if (n == 0) {
            return 0f;
        }
        if (f <= 0) {
            return v[0];
        }
        if (f >= 1) {
            return v[n - 1];
        }
        float p = f * (n - 1);
        int i = (int) p;
        float frac = p - i;
        return (1 - frac) * v[i] + frac * v[Math.min(i + 1, n - 1)];
    }

    /** The final report block as llama-perplexity prints it (only meaningful for ≥ 100 positions). */
    public static String report(KldSummary s) {
        StringBuilder b = new StringBuilder();
        b.append("====== Perplexity statistics ======\n");
        b.append(f("Mean PPL(Q)                   : %10.6f ± %10.6f\n", s.pplQ(), s.pplQErr()));
        b.append(f("Mean PPL(base)                : %10.6f ± %10.6f\n", s.pplBase(), s.pplBaseErr()));
        b.append(f("Cor(ln(PPL(Q)), ln(PPL(base))): %6.2f%%\n", 100 * s.corLnPpl()));
        b.append(f("Mean ln(PPL(Q)/PPL(base))     : %10.6f ± %10.6f\n", s.meanLnRatio(), s.meanLnRatioErr()));
        b.append(f("Mean PPL(Q)/PPL(base)         : %10.6f ± %10.6f\n", s.pplRatio(), s.pplRatioErr()));
        b.append(f("Mean PPL(Q)-PPL(base)         : %10.6f ± %10.6f\n", s.pplDiff(), s.pplDiffErr()));
        b.append("\n====== KL divergence statistics ======\n");
        b.append(f("Mean    KLD: %10.6f ± %10.6f\n", s.kldMean(), s.kldMeanErr()));
        b.append(f("Maximum KLD: %10.6f\n", s.kldMax()));
        b.append(f("99.9%%   KLD: %10.6f\n", s.kldPercentile(0.999)));
        b.append(f("99.0%%   KLD: %10.6f\n", s.kldPercentile(0.990)));
        b.append(f("95.0%%   KLD: %10.6f\n", s.kldPercentile(0.950)));
        b.append(f("90.0%%   KLD: %10.6f\n", s.kldPercentile(0.900)));
        b.append(f("Median  KLD: %10.6f\n", s.kldMedian()));
        b.append(f("10.0%%   KLD: %10.6f\n", s.kldPercentile(0.100)));
        b.append(f(" 5.0%%   KLD: %10.6f\n", s.kldPercentile(0.050)));
        b.append(f(" 1.0%%   KLD: %10.6f\n", s.kldPercentile(0.010)));
        b.append(f(" 0.1%%   KLD: %10.6f\n", s.kldPercentile(0.001)));
        b.append(f("Minimum KLD: %10.6f\n", s.kldMin()));
        b.append("\n====== Token probability statistics ======\n");
        b.append(f("Mean    Δp: %6.3f ± %5.3f %%\n", 100 * s.dpMean(), 100 * s.dpMeanErr()));
        b.append(f("Maximum Δp: %6.3f%%\n", 100 * s.dpMax()));
        b.append(f("99.9%%   Δp: %6.3f%%\n", 100 * s.dpPercentile(0.999)));
        b.append(f("99.0%%   Δp: %6.3f%%\n", 100 * s.dpPercentile(0.990)));
        b.append(f("95.0%%   Δp: %6.3f%%\n", 100 * s.dpPercentile(0.950)));
        b.append(f("90.0%%   Δp: %6.3f%%\n", 100 * s.dpPercentile(0.900)));
        b.append(f("75.0%%   Δp: %6.3f%%\n", 100 * s.dpPercentile(0.750)));
        b.append(f("Median  Δp: %6.3f%%\n", 100 * s.dpMedian()));
        b.append(f("25.0%%   Δp: %6.3f%%\n", 100 * s.dpPercentile(0.250)));
        b.append(f("10.0%%   Δp: %6.3f%%\n", 100 * s.dpPercentile(0.100)));
        b.append(f(" 5.0%%   Δp: %6.3f%%\n", 100 * s.dpPercentile(0.050)));
        b.append(f(" 1.0%%   Δp: %6.3f%%\n", 100 * s.dpPercentile(0.010)));
        b.append(f(" 0.1%%   Δp: %6.3f%%\n", 100 * s.dpPercentile(0.001)));
        b.append(f("Minimum Δp: %6.3f%%\n", 100 * s.dpMin()));
        b.append(f("RMS Δp    : %6.3f ± %5.3f %%\n", 100 * s.dpRms(), 100 * s.dpRmsErr()));
        b.append(f("Same top p: %6.3f ± %5.3f %%\n", 100 * s.sameTop(), 100 * s.sameTopErr()));
        return b.toString();
    }

    private static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }
}
