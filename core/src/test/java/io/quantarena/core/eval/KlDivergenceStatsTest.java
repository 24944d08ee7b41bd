package io.quantarena.core.eval;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KlDivergenceStatsTest {

    private static final int V = 50;

    /** Decoded base log-probabilities of {@code logits} through the 16-bit file encoding. */
    private static float[] encodeDecode(float[] logits, int tok) {
        char[] codes = new char[V];
        float[] r = BaseLogProbs.encode(logits, 0, V, tok, codes);
        float[] lb = new float[V];
        for (int i = 0; i < V; i++) {
            lb[i] = r[0] * codes[i] + r[1];
        }
        return lb;
    }

    private static float[] randomLogits(Random rnd, double sd) {
        float[] l = new float[V];
        for (int i = 0; i < V; i++) {
            l[i] = (float) (rnd.nextGaussian() * sd);
        }
        return l;
    }

    @Test
    void identicalModelsHaveNearZeroDivergenceAndSameTop() {
        Random rnd = new Random(1);
        KlDivergenceStats s = new KlDivergenceStats();
        for (int i = 0; i < 200; i++) {
            float[] l = randomLogits(rnd, 3);
            int tok = rnd.nextInt(V);
            s.add(l, 0, V, encodeDecode(l, tok), tok);
        }
        KldSummary sum = s.summary();
        assertThat(sum.count()).isEqualTo(200);
        assertThat(sum.kldMean()).isCloseTo(0, within(1e-5));
        assertThat(sum.sameTop()).isEqualTo(1.0);
        assertThat(sum.pplQ()).isCloseTo(sum.pplBase(), within(1e-3 * sum.pplBase()));
        assertThat(sum.dpRms()).isLessThan(1e-4);
        assertThat(sum.corLnPpl()).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void divergenceMatchesDirectComputation() {
        Random rnd = new Random(7);
        KlDivergenceStats s = new KlDivergenceStats();
        double sumKl = 0;
        double sumNll = 0, sumNllBase = 0;
        int same = 0;
        int n = 150;
        for (int i = 0; i < n; i++) {
            float[] base = randomLogits(rnd, 2);
            float[] cur = base.clone();
            for (int j = 0; j < V; j++) {
                cur[j] += (float) (rnd.nextGaussian() * 0.3);
            }
            int tok = rnd.nextInt(V);
            float[] lb = encodeDecode(base, tok);
            s.add(cur, 0, V, lb, tok);
            double[] pb = logSoftmax(base);
            double[] pc = logSoftmax(cur);
            double kl = 0;
            for (int j = 0; j < V; j++) {
                kl += Math.exp(pb[j]) * (pb[j] - pc[j]);
            }
            sumKl += kl;
            sumNll -= pc[tok];
            sumNllBase -= pb[tok];
            if (argmax(base) == argmax(cur)) {
                same++;
            }
        }
        KldSummary sum = s.summary();
        assertThat(sum.kldMean()).isCloseTo(sumKl / n, within(2e-4));
        assertThat(sum.pplQ()).isCloseTo(Math.exp(sumNll / n), within(1e-3));
        assertThat(sum.pplBase()).isCloseTo(Math.exp(sumNllBase / n), within(1e-2));
        assertThat(sum.sameTop()).isEqualTo((double) same / n);
        assertThat(sum.kldMax()).isGreaterThanOrEqualTo(sum.kldPercentile(0.999)).isGreaterThanOrEqualTo(sum.kldMedian());
        assertThat(sum.kldMin()).isLessThanOrEqualTo(sum.kldPercentile(0.001));
        assertThat(KlDivergenceStats.report(sum)).contains("Mean    KLD:").contains("Same top p:").contains("RMS Δp    :");
        assertThat(s.chunkLine(1)).startsWith("   1    ");
    }

    @Test
    void percentilesAndMedianInterpolate() {
        float[] v = {1f, 2f, 3f, 4f};
        assertThat(KlDivergenceStats.median(v)).isEqualTo(2.5f);
        assertThat(KlDivergenceStats.median(new float[]{1f, 5f, 9f})).isEqualTo(5f);
        assertThat(KlDivergenceStats.percentile(v, 0f)).isEqualTo(1f);
        assertThat(KlDivergenceStats.percentile(v, 1f)).isEqualTo(4f);
        // p = 0.5·3 = 1.5 → halfway between v[1] and v[2]
        assertThat(KlDivergenceStats.percentile(v, 0.5f)).isEqualTo(2.5f);
        assertThat(KlDivergenceStats.percentile(v, 0.9f)).isCloseTo(3.7f, within(1e-6f));
    }

    @Test
    void meanAndUncertaintyRules() {
        assertThat(KlDivergenceStats.meanAndUnc(10, 30, 5)).containsExactly(2.0, 0.0); // N ≤ 10: no uncertainty
        double[] m = KlDivergenceStats.meanAndUnc(20, 60, 20); // mean 1, var 2
        assertThat(m[0]).isEqualTo(1.0);
        assertThat(m[1]).isCloseTo(Math.sqrt(2.0 / 19), within(1e-12));
        assertThat(KlDivergenceStats.cov(1, 1, 1, 9)).isEqualTo(0.0);
    }

    private static double[] logSoftmax(float[] l) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : l) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : l) {
            sum += Math.exp(v - max);
        }
        double[] r = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            r[i] = l[i] - max - Math.log(sum);
        }
        return r;
    }

    private static int argmax(float[] l) {
        int b = 0;
        for (int i = 1; i < l.length; i++) {
            if (l[i] > l[b]) {
                b = i;
            }
        }
        return b;
    }
}
