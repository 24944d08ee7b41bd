package io.quantarena.core.kernel.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void closedPoolRejectsWork() {
        KernelThreadPool pool = new KernelThreadPool(2);
        pool.close();
        assertThatThrownBy(() -> pool.run(2, (w, c) -> { })).hasMessageContaining("closed");
    }
}
