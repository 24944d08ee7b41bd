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

    /** Bytes per second read from a buffer of {@code bytes} by {@code threads} threads, best of {@code runs}. */
    public static double readBandwidth(long bytes, int threads, int runs) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(bytes, 64);
            buf.fill((byte) 1); // touch every page before timing
            double best = 0;
            for (int run = 0; run < runs + 1; run++) {
                double seconds = timeParallel(threads, t -> {
                    long part = bytes / threads / 256 * 256;
                    return streamSum(buf, t * part, part);
                });
                if (run > 0) { // the first run warms up the JIT
                    best = Math.max(best, bytes / threads / 256 * 256 * (double) threads / seconds);
                }
            }
            return best;
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

    /** FP32 FLOP/s (an FMA counts 2) with {@code threads} threads, best of {@code runs} loops of {@code iterations}. */
    public static double fmaPeak(int threads, int runs, long iterations) {
        double best = 0;
        for (int run = 0; run < runs + 1; run++) {
            double seconds = timeParallel(threads, t -> fmaLoop(iterations, 1f + t));
            if (run > 0) {
                best = Math.max(best, 2.0 * F.length() * 12 * iterations * threads / seconds);
            }
        }
        return best;
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

    /** Wall seconds for {@code threads} threads to each run {@code body} once (started together). */
    static double timeParallel(int threads, ThreadBody body) {
        DoubleAdder sink = new DoubleAdder();
        Thread[] ts = new Thread[threads];
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads + 1);
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                sink.add(body.run(id));
            });
            ts[t].start();
        }
        long t0;
        try {
            start.await();
            t0 = System.nanoTime();
            for (Thread t : ts) {
                t.join();
            }
        } catch (Exception e) {
            throw new IllegalStateException("benchmark thread interrupted", e);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (sink.sum() == 42.4242) {
            System.out.print(""); // keeps the sums alive
        }
        return s;
    }
}
