package io.quantarena.cluster;

import io.quantarena.core.recipe.QuantizeJob;
import io.quantarena.core.recipe.QuantizeProgress;
import io.quantarena.core.tensor.GgmlType;
import io.quantarena.quantworker.CoreModelQuantization;
import io.quantarena.quantworker.ModelQuantization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Added to the test cluster's quant-worker: wraps core's real quantizer so a test can make the next
 * job crash after a few tensors, or hold it after a tensor until released. Disarmed, it changes nothing.
 */
@Configuration
public class FaultInjection {

    /** Tensors written before the armed fault strikes. */
    static final int TENSORS_BEFORE_FAULT = 3;

    // Claimed by the job that reaches the tensor where the fault strikes, not by the next job to
    // start: a request of an earlier test that was cancelled while queued still reaches the worker
    // and starts, and used to take the armed fault with it before stopping at its cancel check.
    private static final AtomicBoolean crashNextJob = new AtomicBoolean();
    private static final AtomicReference<CountDownLatch> paused = new AtomicReference<>();
    private static volatile CountDownLatch release;

    static void crashNextJob() {
        crashNextJob.set(true);
    }

    /** Holds the next job to write its first tensor; returns the latch counted down when it is held. */
    static CountDownLatch pauseNextJob() {
        release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        paused.set(held);
        return held;
    }

    static void releasePausedJob() {
        CountDownLatch r = release;
        if (r != null) {
            r.countDown();
        }
    }

    static void disarm() {
        crashNextJob.set(false);
        paused.set(null);
        releasePausedJob();
    }

    @Bean
    @Primary
    ModelQuantization faultInjectingQuantization(CoreModelQuantization real) {
        return new ModelQuantization() {
            @Override
            public Quantized quantize(QuantizeJob job, QuantizeProgress progress) throws IOException {
                return real.quantize(job, new QuantizeProgress() {
                    @Override
                    public void onTensor(int index, int count, String name, GgmlType type, long bytesWritten) {
                        progress.onTensor(index, count, name, type, bytesWritten);
                        if (index + 1 == TENSORS_BEFORE_FAULT && crashNextJob.compareAndSet(true, false)) {
                            throw new IllegalStateException("simulated worker crash after tensor " + name);
                        }
                        if (index == 0) {
                            CountDownLatch pause = paused.getAndSet(null);
                            if (pause != null) {
                                pause.countDown();
                                await(release);
                            }
                        }
                    }

                    @Override
                    public boolean cancelled() {
                        return progress.cancelled();
                    }
                });
            }
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("paused job was not released within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
