package io.quantarena.core.bench;

/**
 * One row of the benchmark table: a test ({@code pp512}, {@code tg128}) of one model at one thread
 * count, with the tokens/s of every repetition; generation tests also carry the bandwidth bound.
 *
 * @param size              bytes of tensor data
 * @param params            parameter count
 * @param samples           tokens per second of each repetition
 * @param bandwidth         measured read bandwidth in bytes/s with the same threads (NaN for pp)
 * @param bytesPerToken     bytes one decoded token reads (NaN for pp)
 * @param coresUsed         process CPU time over wall time during the timed repetitions: below
 *                          {@code threads} when other processes took the cores (NaN if unknown)
 */
public record BenchResult(String model, long size, long params, String backend, int threads, String test,
                          double[] samples, double bandwidth, double bytesPerToken, double coresUsed) {

    public BenchResult {
        if (samples.length == 0) {
            throw new IllegalArgumentException("test " + test + " has no samples");
        }
        samples = samples.clone();
    }

    public double mean() {
        double s = 0;
        for (double v : samples) {
            s += v;
        }
        return s / samples.length;
    }

    /** Sample standard deviation (0 for one sample), as llama-bench reports it. */
    public double stddev() {
        if (samples.length < 2) {
            return 0;
        }
        double m = mean();
        double s = 0;
        for (double v : samples) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (samples.length - 1));
    }

    public double best() {
        double b = 0;
        for (double v : samples) {
            b = Math.max(b, v);
        }
        return b;
    }

    public boolean hasBound() {
        return !Double.isNaN(bandwidth) && !Double.isNaN(bytesPerToken);
    }

    /** Tokens/s if every token only streamed its bytes at the measured bandwidth. */
    public double boundTokensPerSecond() {
        return bandwidth / bytesPerToken;
    }

    /** Best tokens/s as a fraction of the bandwidth bound. */
    public double fractionOfBound() {
        return best() / boundTokensPerSecond();
    }
}
