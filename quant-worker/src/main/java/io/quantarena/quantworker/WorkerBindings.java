package io.quantarena.quantworker;

import io.quantarena.contracts.CancelledJobs;
import io.quantarena.contracts.ImatrixRequested;
import io.quantarena.contracts.JobControl;
import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.QuantizeRequested;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import java.util.function.Consumer;

/**
 * {@code quantizeRequests-in-0} (quantize.requests) and {@code imatrixRequests-in-0}
 * (imatrix.requests), both in the shared group, and {@code jobControl-in-0} (job.control, every instance).
 */
@Configuration
public class WorkerBindings {

    private static final Logger log = LoggerFactory.getLogger(WorkerBindings.class);

    @Bean
    public Consumer<Message<byte[]>> quantizeRequests(QuantizeJobRunner runner) {
        return message -> {
            QuantizeRequested request;
            try {
                request = MessageCodec.decode(message.getPayload(), QuantizeRequested.class);
            } catch (IllegalArgumentException e) {
                log.error("dropping undecodable quantize request: {}", e.getMessage());
                return;
            }
            runner.run(request);
        };
    }

    @Bean
    public Consumer<Message<byte[]>> imatrixRequests(ImatrixJobRunner runner) {
        return message -> {
            ImatrixRequested request;
            try {
                request = MessageCodec.decode(message.getPayload(), ImatrixRequested.class);
            } catch (IllegalArgumentException e) {
                log.error("dropping undecodable imatrix request: {}", e.getMessage());
                return;
            }
            runner.run(request);
        };
    }

    /** The cancels this worker has seen on job.control; running jobs look here between tensors and chunks. */
    @Bean
    public CancelledJobs cancelledJobs() {
        return new CancelledJobs();
    }

    @Bean
    public Consumer<Message<byte[]>> jobControl(CancelledJobs cancellations) {
        return message -> {
            try {
                JobControl control = MessageCodec.decode(message.getPayload(), JobControl.class);
                if (control.action() == JobControl.Action.CANCEL) {
                    log.info("cancel requested for job {}", control.jobId());
                    cancellations.cancel(control.jobId());
                }
            } catch (IllegalArgumentException e) {
                log.error("dropping undecodable control message: {}", e.getMessage());
            }
        };
    }
}
