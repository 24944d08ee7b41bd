package io.quantarena.quantworker;

import io.quantarena.contracts.CancelledJobs;
import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.ProgressDetail;
import io.quantarena.core.recipe.QuantizeProgress;
import io.quantarena.core.tensor.GgmlType;

import java.util.Locale;
import java.util.UUID;

/**
 * Turns the quantizer's per-tensor callbacks into PROGRESS events (fraction of tensors, the tensor
 * just written and its type, bytes written; throttled) and answers its cancel checks.
 */
final class QuantizeProgressReporter implements QuantizeProgress {

    private final UUID jobId;
    private final JobEventPublisher publisher;
    private final CancelledJobs cancellations;
    private final ProgressThrottle throttle;

    QuantizeProgressReporter(UUID jobId, JobEventPublisher publisher, CancelledJobs cancellations, ProgressThrottle throttle) {
        this.jobId = jobId;
        this.publisher = publisher;
        this.cancellations = cancellations;
        this.throttle = throttle;
    }

    @Override
    public void onTensor(int index, int count, String name, GgmlType type, long bytesWritten) {
        int done = index + 1;
        if (!throttle.shouldReport(done, count)) {
            return;
        }
        double fraction = count == 0 ? 1.0 : done / (double) count;
        publisher.publish(JobEvent.progress(jobId, fraction, "quantize",
                String.format(Locale.ROOT, "%d/%d tensors, %s as %s, %.1f MiB written", done, count, name, type.typeName(),
                        bytesWritten / (1024.0 * 1024.0)),
                new ProgressDetail(name, done, count, bytesWritten, null)));
    }

    @Override
    public boolean cancelled() {
        return cancellations.isCancelled(jobId);
    }
}
