package io.quantarena.core.kernel.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed pool that runs one chunked loop at a time on {@code threads} threads (the caller
 * plus {@code threads - 1} daemon workers). Chunks are claimed dynamically from a shared counter so
 * a core slowed by other processes does less of the work. Nothing is allocated per call: the loop
 * body is a reusable {@link ChunkTask} and workers wait for a generation number, spinning briefly
 * (a matrix-vector product takes microseconds) and then parking.
 */
public final class KernelThreadPool implements AutoCloseable {

    /** A loop body over chunk indices; {@code worker} in {@code [0, threads)} selects per-thread scratch. */
    @FunctionalInterface
    public interface ChunkTask {
        void run(int worker, int chunk);
    }

    private static final int SPIN_ITERATIONS = 20_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicLong generation = new AtomicLong();
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile ChunkTask task;
    private volatile int chunks;
    private volatile Throwable failure;
    private volatile boolean closed;
    private volatile Thread caller;

    public KernelThreadPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " (expected >= 1)");
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int id = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("qa-kernel-" + id).unstarted(() -> workerLoop(id));
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} for chunks {@code 0 .. chunks-1} on all threads and returns when all are done. */
    public synchronized void run(int chunks, ChunkTask task) {
        if (closed) {
            throw new IllegalStateException("kernel thread pool is closed");
        }
        if (chunks <= 0) {
            return;
        }
        if (workers.length == 0 || chunks == 1) {
            for (int c = 0; c < chunks; c++) {
                task.run(0, c);
            }
            return;
        }
        this.task = task;
        this.chunks = chunks;
        this.failure = null;
        this.caller = Thread.currentThread();
        nextChunk.set(0);
        pending.set(workers.length);
        generation.incrementAndGet();
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        try {
            work(0, task, chunks);
        } catch (Throwable t) {
            failure = t;
            nextChunk.set(chunks); // let the workers stop early
        }
        int spins = 0;
        while (pending.get() > 0) {
            if (++spins < SPIN_ITERATIONS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 50_000);
            }
        }
        this.task = null;
        Throwable f = failure;
        if (f != null) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("kernel task failed", f);
        }
    }

    private void work(int worker, ChunkTask t, int n) {
        int c;
        while ((c = nextChunk.getAndIncrement()) < n) {
            t.run(worker, c);
        }
    }

    private void workerLoop(int id) {
        long seen = 0;
        while (true) {
            int spins = 0;
            long g;
            while ((g = generation.get()) == seen && !closed) {
                if (++spins < SPIN_ITERATIONS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = g;
            try {
                work(id, task, chunks);
            } catch (Throwable t) {
                failure = t;
                nextChunk.set(Integer.MAX_VALUE / 2);
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
