package io.quantarena.core.kernel.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed pool that runs one chunked loop at a time on {@code threads} threads (the caller
 * plus {@code threads - 1} daemon workers). Chunks are claimed dynamically from the loop's own
 * counter, and the caller waits only for chunks that were claimed, never for a worker that has
 * not shown up yet: on shared cores a descheduled worker simply does no chunks, instead of
 * holding up every product until the scheduler runs it again. Loops whose chunks may be computed
 * twice ({@link #runRevocable}) go further: the caller redoes a chunk a worker started but has not
 * finished in good time (a worker preempted mid-chunk would otherwise stall it for a whole
 * scheduler time slice). Workers spin briefly between loops (a decode step issues hundreds of
 * products a few microseconds apart), then park.
 */
public final class KernelThreadPool implements AutoCloseable {

    /** A loop body over chunk indices; {@code worker} in {@code [0, threads)} selects per-thread scratch. */
    @FunctionalInterface
    public interface ChunkTask {
        void run(int worker, int chunk);
    }

    /**
     * A loop body whose chunks are pure functions of their inputs, so that a chunk may be computed
     * by a worker and by the caller: workers compute into private storage and publish only if the
     * caller has not taken the chunk over.
     */
    public interface RevocableChunkTask {
        /** Computes {@code chunk} straight into the output (on the calling thread). */
        void run(int chunk);

        /** Computes {@code chunk} into {@code worker}'s private storage, leaving the output alone. */
        void runPrivately(int worker, int chunk);

        /** Copies {@code worker}'s private result for {@code chunk} into the output. */
        void publish(int worker, int chunk);
    }

    /** How long an idle worker spins for the next loop before parking. */
    private static final long WORKER_SPIN_NANOS = 200_000;
    /** Least time the caller gives a worker to finish a chunk before computing it itself. */
    private static final long STRAGGLER_GRACE_NANOS = 20_000;
    /** How long the caller spins for the last chunks before parking. */
    private static final long CALLER_SPIN_NANOS = 50_000;

    /** Chunk owners in a revocable loop: 0 = a worker is computing it (or nobody yet). */
    private static final int BY_WORKER = 1, BY_CALLER = 2;

    /** One parallel loop; a worker that arrives late finds its chunk counter exhausted. */
    private static final class Loop {
        final ChunkTask task;
        final RevocableChunkTask revocable;
        final int chunks;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        /** Revocable loops only: who publishes each chunk's result. */
        final AtomicIntegerArray owner;
        volatile Throwable failure;
        volatile boolean callerParked;

        Loop(ChunkTask task, RevocableChunkTask revocable, int chunks, Thread caller) {
            this.task = task;
            this.revocable = revocable;
            this.chunks = chunks;
            this.caller = caller;
            this.owner = revocable == null ? null : new AtomicIntegerArray(chunks);
        }

        /** Runs chunks until none is left; every chunk counts as done once, even when it failed. */
        void work(int worker) {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                if (revocable != null && worker != 0) {
                    workerChunk(worker, c);
                    continue;
                }
                try {
                    if (failure == null) {
                        if (revocable != null) {
                            owner.set(c, BY_CALLER);
                            revocable.run(c);
                        } else {
                            task.run(worker, c);
                        }
                    }
                } catch (Throwable t) {
                    fail(t);
                } finally {
                    countDone();
                }
            }
        }

        private void workerChunk(int worker, int c) {
            try {
                if (failure == null) {
                    revocable.runPrivately(worker, c);
                }
            } catch (Throwable t) {
                fail(t);
            }
            // publish unless the caller took the chunk over meanwhile
            if (owner.compareAndSet(c, 0, BY_WORKER)) {
                try {
                    if (failure == null) {
                        revocable.publish(worker, c);
                    }
                } catch (Throwable t) {
                    fail(t);
                } finally {
                    countDone();
                }
            }
        }

        /** Caller: computes the chunks workers still hold; returns whether it took any. */
        boolean takeOverStragglers() {
            boolean took = false;
            for (int c = 0; c < chunks; c++) {
                if (owner.get(c) == 0 && owner.compareAndSet(c, 0, BY_CALLER)) {
                    took = true;
                    try {
                        if (failure == null) {
                            revocable.run(c);
                        }
                    } catch (Throwable t) {
                        fail(t);
                    } finally {
                        countDone();
                    }
                }
            }
            return took;
        }

        private void fail(Throwable t) {
            if (failure == null) {
                failure = t;
            }
        }

        private void countDone() {
            if (done.incrementAndGet() == chunks && callerParked) {
                LockSupport.unpark(caller);
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
        Loop loop = start(new Loop(task, null, chunks, Thread.currentThread()));
        loop.work(0);
        awaitDone(loop);
        rethrow(loop);
    }

    /**
     * Like {@link #run} for a loop whose chunks may be computed twice: once the caller has no
     * chunk left to claim, it waits about twice its own mean chunk time for the workers and then
     * computes the chunks they still hold itself.
     */
    public synchronized void runRevocable(int chunks, RevocableChunkTask task) {
        if (closed) {
            throw new IllegalStateException("kernel thread pool is closed");
        }
        if (chunks <= 0) {
            return;
        }
        if (workers.length == 0 || chunks == 1) {
            for (int c = 0; c < chunks; c++) {
                task.run(c);
            }
            return;
        }
        Loop loop = start(new Loop(null, task, chunks, Thread.currentThread()));
        long t0 = System.nanoTime();
        loop.work(0);
        if (loop.done.get() < chunks) {
            // the caller's own chunks tell how long a chunk takes on a running thread
            int own = 0;
            for (int c = 0; c < chunks; c++) {
                own += loop.owner.get(c) == BY_CALLER ? 1 : 0;
            }
            long perChunk = own == 0 ? STRAGGLER_GRACE_NANOS : (System.nanoTime() - t0) / own;
            long deadline = System.nanoTime() + Math.max(STRAGGLER_GRACE_NANOS, 2 * perChunk);
            while (loop.done.get() < chunks && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            if (loop.done.get() < chunks) {
                loop.takeOverStragglers();
            }
        }
        awaitDone(loop);
        rethrow(loop);
    }

    private Loop start(Loop loop) {
        current = loop;
        for (Thread w : workers) {
            LockSupport.unpark(w); // cheap when the worker is spinning (it only leaves a permit)
        }
        return loop;
    }

    private static void rethrow(Loop loop) {
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
