package io.quantarena.evalworker;

import io.quantarena.contracts.CancelledJobs;
import io.quantarena.contracts.EvaluateRequested;
import io.quantarena.contracts.JobControl;
import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Consumer;

/** {@code evaluateRequests-in-0} (evaluate.requests, shared group) and {@code jobControl-in-0} (job.control, every instance). */
@Configuration
public class EvalWorkerBindings {

    private static final Logger log = LoggerFactory.getLogger(EvalWorkerBindings.class);

    @Bean
    public Consumer<Message<byte[]>> evaluateRequests(EvaluateJobRunner runner, JobEventPublisher publisher) {
        return message -> {
            EvaluateRequested request;
            try {
                request = MessageCodec.decode(message.getPayload(), EvaluateRequested.class);
            } catch (IllegalArgumentException e) {
                // the key still names the job: fail it rather than leave it queued forever
                UUID jobId = jobIdFromKey(message.getHeaders().get(KafkaHeaders.RECEIVED_KEY));
                log.error("undecodable evaluate request for job {}: {}", jobId, e.getMessage());
                if (jobId != null) {
                    publisher.publish(JobEvent.failed(jobId, "INVALID_REQUEST",
                            "eval-worker cannot read this evaluate request: " + e.getMessage()));
                }
                return;
            }
            runner.run(request);
        };
    }

    /** The cancels this worker has seen on job.control; running evaluations look here between chunks. */
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

    private static UUID jobIdFromKey(Object key) {
        try {
            return UUID.fromString(key instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(key));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
