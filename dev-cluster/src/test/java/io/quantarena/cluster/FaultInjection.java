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

/**
 * Added to the test cluster's quant-worker: wraps core's real quantizer so a test can make the next
 * job crash after a few tensors, or hold it after a tensor until released. Disarmed, it changes nothing.
 */
@Configuration
public class FaultInjection {

    /** Tensors written before the armed fault strikes. */
    static final int TENSORS_BEFORE_FAULT = 3;

    private static volatile boolean crashNextJob;
    private static volatile CountDownLatch paused;
    private static volatile CountDownLatch release;

    static void crashNextJob() {
        crashNextJob = true;
    }

    /** Holds the next job after its first tensor; returns the latch counted down when it is held. */
    static CountDownLatch pauseNextJob() {
        release = new CountDownLatch(1);
        paused = new CountDownLatch(1);
        return paused;
    }

    static void releasePausedJob() {
        CountDownLatch r = release;
        if (r != null) {
            r.countDown();
        }
    }

    static void disarm() {
        crashNextJob = false;
        paused = null;
        releasePausedJob();
    }

    @Bean
    @Primary
    ModelQuantization faultInjectingQuantization(CoreModelQuantization real) {
        return new ModelQuantization() {
            @Override
            public Quantized quantize(QuantizeJob job, QuantizeProgress progress) throws IOException {
                boolean crash = crashNextJob;
                crashNextJob = false;
                CountDownLatch pause = paused;
                paused = null;
                return real.quantize(job, new QuantizeProgress() {
                    @Override
                    public void onTensor(int index, int count, String name, GgmlType type, long bytesWritten) {
                        progress.onTensor(index, count, name, type, bytesWritten);
                        if (crash && index + 1 == TENSORS_BEFORE_FAULT) {
                            throw new IllegalStateException("simulated worker crash after tensor " + name);
                        }
                        if (pause != null && index == 0) {
                            pause.countDown();
                            await(release);
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
