package io.quantarena.quantworker;

import io.quantarena.contracts.JobEvent;
import io.quantarena.core.recipe.QuantizeProgress;
import io.quantarena.core.tensor.GgmlType;

import java.util.UUID;

/** Turns the quantizer's per-tensor callbacks into a PROGRESS event per tenth done, and answers cancel checks. */
final class ProgressReporter implements QuantizeProgress {

    private static final int STEPS = 10;

    private final UUID jobId;
    private final JobEventPublisher publisher;
    private final CancellationRegistry cancellations;
    private int lastStep = 0;

    ProgressReporter(UUID jobId, JobEventPublisher publisher, CancellationRegistry cancellations) {
        this.jobId = jobId;
        this.publisher = publisher;
        this.cancellations = cancellations;
    }

    @Override
    public void onTensor(int index, int count, String name, GgmlType type, long bytesWritten) {
        double fraction = count == 0 ? 1.0 : (index + 1) / (double) count;
        int step = (int) Math.floor(fraction * STEPS);
        if (step > lastStep) {
            lastStep = step;
            publisher.publish(JobEvent.progress(jobId, fraction, "quantize",
                    (index + 1) + "/" + count + " tensors, last " + name + " as " + type.typeName()));
        }
    }

    @Override
    public boolean cancelled() {
        return cancellations.isCancelled(jobId);
    }
}
