package io.quantarena.core.kernel.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class KernelThreadPoolTest {

    @Test
    void runsEveryChunkOnceWithDistinctWorkerIds() {
        try (KernelThreadPool pool = new KernelThreadPool(3)) {
            for (int round = 0; round < 200; round++) {
                int chunks = 1 + round % 37;
                AtomicIntegerArray hits = new AtomicIntegerArray(chunks);
                AtomicIntegerArray busy = new AtomicIntegerArray(3);
                pool.run(chunks, (worker, chunk) -> {
                    // per-worker scratch is only safe if no two threads share an id at the same time
                    assertThat(busy.incrementAndGet(worker)).isEqualTo(1);
                    hits.incrementAndGet(chunk);
                    busy.decrementAndGet(worker);
                });
                for (int c = 0; c < chunks; c++) {
                    assertThat(hits.get(c)).as("chunk %d of %d", c, chunks).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void failuresPropagateAndThePoolStaysUsable() {
        try (KernelThreadPool pool = new KernelThreadPool(2)) {
            assertThatThrownBy(() -> pool.run(10, (w, c) -> {
                if (c == 7) {
                    throw new IllegalStateException("chunk 7");
                }
            })).hasMessage("chunk 7");
            int[] sum = new int[1];
            pool.run(4, (w, c) -> {
                synchronized (sum) {
                    sum[0] += c;
                }
            });
            assertThat(sum[0]).isEqualTo(6);
        }
    }

    @Test
    void revocableLoopTakesOverAChunkAStalledWorkerHolds() throws Exception {
        try (KernelThreadPool pool = new KernelThreadPool(2)) {
            int chunks = 64;
            int[] out = new int[chunks];
            AtomicIntegerArray published = new AtomicIntegerArray(chunks);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger stalled = new java.util.concurrent.atomic.AtomicInteger(-1);
            int[][] privateResult = new int[2][1];
            KernelThreadPool.RevocableChunkTask task = new KernelThreadPool.RevocableChunkTask() {
                @Override
                public void run(int chunk) {
                    out[chunk] = chunk * chunk;
                }

                @Override
                public void runPrivately(int worker, int chunk) {
                    // the worker's first chunk never finishes until the loop has returned
                    if (stalled.compareAndSet(-1, chunk)) {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    privateResult[worker][0] = chunk * chunk;
                }

                @Override
                public void publish(int worker, int chunk) {
                    published.incrementAndGet(chunk);
                    out[chunk] = privateResult[worker][0];
                }
            };
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
                // the worker may start after the caller took every chunk; repeat until it stalls in one
                while (stalled.get() < 0) {
                    java.util.Arrays.fill(out, -1);
                    pool.runRevocable(chunks, task);
                    for (int c = 0; c < chunks; c++) {
                        assertThat(out[c]).isEqualTo(c * c);
                    }
                }
            });
            int c = stalled.get();
            release.countDown();
            Thread.sleep(50);
            assertThat(published.get(c)).as("the overtaken worker must not publish chunk %d", c).isZero();
            // and the pool still works afterwards
            java.util.Arrays.fill(out, -1);
            pool.runRevocable(chunks, task);
            assertThat(out[chunks - 1]).isEqualTo((chunks - 1) * (chunks - 1));
        }
    }

    @Test
    void closedPoolRejectsWork() {
        KernelThreadPool pool = new KernelThreadPool(2);
        pool.close();
        assertThatThrownBy(() -> pool.run(2, (w, c) -> { })).hasMessageContaining("closed");
    }
}
