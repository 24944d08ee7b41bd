package io.quantarena.core.kernel.bench;

import java.lang.management.ManagementFactory;

/**
 * Wall-clock and CPU time of one timed region. On a machine shared with other processes the wall
 * clock includes time our threads spent descheduled; {@link #busySeconds(int)} (process CPU time per
 * thread) estimates the time the work would take with the cores to itself. Spin-waiting counts as
 * busy, so the estimate errs on the slow side.
 */
public record Timing(double wallSeconds, double cpuSeconds) {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Runs {@code body} once and times it. */
    public static Timing of(Runnable body) {
        long c0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        body.run();
        long t1 = System.nanoTime();
        long c1 = OS.getProcessCpuTime();
        return new Timing((t1 - t0) / 1e9, (c1 - c0) / 1e9);
    }

    /**
     * CPU seconds per thread, never more than the wall clock; the wall clock when the region was
     * too short for the CPU-time clock to tick.
     */
    public double busySeconds(int threads) {
        return cpuSeconds <= 0 ? wallSeconds : Math.min(wallSeconds, cpuSeconds / threads);
    }

    /** The faster of two timings, field by field (best-of-N for both clocks). */
    public Timing min(Timing o) {
        return new Timing(Math.min(wallSeconds, o.wallSeconds), Math.min(cpuSeconds, o.cpuSeconds));
    }

    public static final Timing NONE = new Timing(Double.MAX_VALUE, Double.MAX_VALUE);
}
