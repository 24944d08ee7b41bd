package io.quantarena.core.kernel.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed pool that runs one chunked loop at a time on {@code threads} threads (the caller
 * plus {@code threads - 1} daemon workers). Chunks are claimed dynamically from the loop's own
 * counter, and the caller waits only for chunks that were claimed, never for a worker that has
 * not shown up yet: on shared cores a descheduled worker simply does no chunks, instead of
 * holding up every product until the scheduler runs it again. Workers spin briefly between loops
 * (a decode step issues hundreds of products a few microseconds apart), then park.
 */
public final class KernelThreadPool implements AutoCloseable {

    /** A loop body over chunk indices; {@code worker} in {@code [0, threads)} selects per-thread scratch. */
    @FunctionalInterface
    public interface ChunkTask {
        void run(int worker, int chunk);
    }

    /** How long an idle worker spins for the next loop before parking. */
    private static final long WORKER_SPIN_NANOS = 200_000;
    /** How long the caller spins for the last chunks before parking. */
    private static final long CALLER_SPIN_NANOS = 50_000;

    /** One parallel loop; a worker that arrives late finds its chunk counter exhausted. */
    private static final class Loop {
        final ChunkTask task;
        final int chunks;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;
        volatile boolean callerParked;

        Loop(ChunkTask task, int chunks, Thread caller) {
            this.task = task;
            this.chunks = chunks;
            this.caller = caller;
        }

        /** Runs chunks until none is left; every claimed chunk counts as done, even when it failed. */
        void work(int worker) {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    if (failure == null) {
                        task.run(worker, c);
                    }
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                } finally {
                    if (done.incrementAndGet() == chunks && callerParked) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }

    private final int threads;
    private final Thread[] workers;
    private volatile Loop current;
    private volatile boolean closed;

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
        Loop loop = new Loop(task, chunks, Thread.currentThread());
        current = loop;
        for (Thread w : workers) {
            LockSupport.unpark(w); // cheap when the worker is spinning (it only leaves a permit)
        }
        loop.work(0);
        awaitDone(loop);
        Throwable f = loop.failure;
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

    private static void awaitDone(Loop loop) {
        if (loop.done.get() == loop.chunks) {
            return;
        }
        long deadline = System.nanoTime() + CALLER_SPIN_NANOS;
        int spins = 0;
        while (loop.done.get() < loop.chunks) {
            if ((++spins & 63) != 0 || System.nanoTime() < deadline) {
                Thread.onSpinWait();
                continue;
            }
            loop.callerParked = true;
            while (loop.done.get() < loop.chunks) {
                LockSupport.parkNanos(loop, 100_000);
            }
            loop.callerParked = false;
        }
    }

    private void workerLoop(int id) {
        Loop last = null;
        while (!closed) {
            Loop loop = current;
            if (loop != null && loop != last) {
                last = loop;
                loop.work(id);
                continue;
            }
            long deadline = System.nanoTime() + WORKER_SPIN_NANOS;
            int spins = 0;
            while (current == last && !closed) {
                if ((++spins & 63) != 0 || System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    continue;
                }
                // a loop published after the check above comes with an unpark, so this cannot sleep through it
                LockSupport.park(this);
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
