package io.quantarena.core.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads that run the tasks 0 … n−1 of one parallel loop at a time; the
 * calling thread takes part. Workers spin only briefly between loops before parking.
 */
public final class WorkerPool implements AutoCloseable {

    /**
     * Kept short: the matrix kernels have their own spinning pool, and on few cores two pools
     * spinning at once would steal each other's time.
     */
    private static final int SPIN_ITERATIONS = 500;

    private final Thread[] workers;
    private final AtomicReference<Job> current = new AtomicReference<>();
    private volatile boolean closed;

    private static final class Job {
        final IntConsumer task;
        final int n;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(IntConsumer task, int n) {
            this.task = task;
            this.n = n;
        }

        void work() {
            int i;
            while ((i = next.getAndIncrement()) < n) {
                try {
                    if (failure.get() == null) {
                        task.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    /** @param threads total threads including the caller (≥ 1) */
    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count " + threads + ", expected >= 1");
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "quantarena-worker-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    public int threads() {
        return workers.length + 1;
    }

    /** Runs {@code task(i)} for i = 0 … n−1 across the pool and returns when all are done. */
    public void run(int n, IntConsumer task) {
        if (n <= 0) {
            return;
        }
        if (workers.length == 0 || n == 1) {
            for (int i = 0; i < n; i++) {
                task.accept(i);
            }
            return;
        }
        Job job = new Job(task, n);
        current.set(job);
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        job.work();
        while (job.done.get() < n) {
            Thread.onSpinWait();
        }
        current.compareAndSet(job, null);
        Throwable t = job.failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private void workerLoop() {
        Job last = null;
        while (!closed) {
            Job job = current.get();
            int spins = 0;
            while ((job == null || job == last) && !closed) {
                if (++spins < SPIN_ITERATIONS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 1_000_000L);
                }
                job = current.get();
            }
            if (job == null || closed) {
                continue;
            }
            last = job;
            job.work();
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
