package io.quantarena.core.kernel.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Measures this machine's own limits, as seen from the JVM: main-memory read bandwidth (a
 * vectorized streaming sum over a buffer far larger than the last-level cache) and peak FP32 FMA
 * throughput (independent fused multiply-adds on the preferred vector width), with a given number
 * of threads. Best of several runs, since other processes share the cores.
 */
public final class MachineCeilings {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private MachineCeilings() {
    }

    /**
     * Bytes per second read from a buffer of {@code bytes} by {@code threads} threads, best of
     * {@code runs}: {@code [0]} by the wall clock, {@code [1]} per busy second ({@link Timing}).
     */
    public static double[] readBandwidth(long bytes, int threads, int runs) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = HugePageMemory.allocate(bytes, arena); // like the matrices the kernels read
            buf.fill((byte) 1); // touch every page before timing
            long part = bytes / threads / 256 * 256;
            // several passes so that one timed run lasts long enough for the CPU-time clock (10 ms ticks)
            int passes = (int) Math.max(1, Math.min(16, (4L << 30) / Math.max(1, part * threads)));
            Timing best = Timing.NONE;
            for (int run = 0; run < runs + 1; run++) {
                Timing t = timeParallel(threads, id -> {
                    float s = 0;
                    for (int p = 0; p < passes; p++) {
                        s += streamSum(buf, id * part, part);
                    }
                    return s;
                });
                if (run > 0) { // the first run warms up the JIT
                    best = best.min(t);
                }
            }
            double total = (double) part * threads * passes;
            return new double[]{total / best.wallSeconds(), total / best.busySeconds(threads)};
        }
    }

    private static float streamSum(MemorySegment s, long from, long len) {
        int step = 4 * F.vectorByteSize();
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (long o = from, end = from + len; o < end; o += step) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, s, o, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, s, o + F.vectorByteSize(), ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, s, o + 2L * F.vectorByteSize(), ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, s, o + 3L * F.vectorByteSize(), ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    /**
     * FP32 FLOP/s (an FMA counts 2) with {@code threads} threads, best of {@code runs} loops of
     * {@code iterations}: {@code [0]} by the wall clock, {@code [1]} per busy second.
     */
    public static double[] fmaPeak(int threads, int runs, long iterations) {
        Timing best = Timing.NONE;
        for (int run = 0; run < runs + 1; run++) {
            Timing t = timeParallel(threads, id -> fmaLoop(iterations, 1f + id));
            if (run > 0) {
                best = best.min(t);
            }
        }
        double flops = 2.0 * F.length() * 12 * iterations * threads;
        return new double[]{flops / best.wallSeconds(), flops / best.busySeconds(threads)};
    }

    /** 12 independent FMA chains: enough to cover FMA latency × ports on current cores. */
    private static float fmaLoop(long iterations, float seed) {
        FloatVector m = FloatVector.broadcast(F, 0.999999f);
        FloatVector c = FloatVector.broadcast(F, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(F, seed), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        FloatVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        FloatVector a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10), a11 = a0.add(11);
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    interface ThreadBody {
        float run(int thread);
    }

    /** Times {@code threads} threads that each run {@code body} once (started together). */
    static Timing timeParallel(int threads, ThreadBody body) {
        DoubleAdder sink = new DoubleAdder();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        Thread[] ts = new Thread[threads - 1];
        for (int t = 1; t < threads; t++) {
            int id = t;
            ts[t - 1] = new Thread(() -> {
                await(start);
                sink.add(body.run(id));
            });
            ts[t - 1].start();
        }
        Timing timing = Timing.of(() -> {
            await(start);
            sink.add(body.run(0));
            for (Thread t : ts) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("benchmark thread interrupted", e);
                }
            }
        });
        if (sink.sum() == 42.4242) {
            System.out.print(""); // keeps the sums alive
        }
        return timing;
    }

    private static void await(java.util.concurrent.CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new IllegalStateException("benchmark threads could not start together", e);
        }
    }
}
