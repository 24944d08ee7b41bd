package io.quantarena.inferenceworker;

import io.quantarena.contracts.JobControl;
import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.ServeRequested;
import io.quantarena.inferenceworker.engine.ModelRegistry;
import io.quantarena.inferenceworker.jobs.JobEventPublisher;
import io.quantarena.inferenceworker.jobs.ServeJobRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import java.util.function.Consumer;

/**
 * Batch serve jobs: {@code serveRequests-in-0} (serve.requests, group inference-worker) and
 * {@code jobControl-in-0} (job.control, every instance). Absent in standalone mode, which has no Kafka.
 */
@Configuration
@ConditionalOnProperty(name = "quantarena.serve.jobs-enabled", havingValue = "true", matchIfMissing = true)
public class InferenceWorkerBindings {

    private static final Logger log = LoggerFactory.getLogger(InferenceWorkerBindings.class);

    @Bean
    public ServeJobRunner serveJobRunner(ModelRegistry registry, StreamBridge bridge) {
        return new ServeJobRunner(registry, new JobEventPublisher(bridge));
    }

    @Bean
    public Consumer<Message<byte[]>> serveRequests(ServeJobRunner runner) {
        return message -> {
            ServeRequested request;
            try {
                request = MessageCodec.decode(message.getPayload(), ServeRequested.class);
            } catch (IllegalArgumentException e) {
                log.error("dropping undecodable serve request: {}", e.getMessage());
                return;
            }
            runner.run(request);
        };
    }

    @Bean
    public Consumer<Message<byte[]>> jobControl(ServeJobRunner runner) {
        return message -> {
            try {
                JobControl control = MessageCodec.decode(message.getPayload(), JobControl.class);
                if (control.action() == JobControl.Action.CANCEL) {
                    runner.cancel(control.jobId());
                }
            } catch (IllegalArgumentException e) {
                log.error("dropping undecodable control message: {}", e.getMessage());
            }
        };
    }
}
