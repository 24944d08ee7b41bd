package io.quantarena.evalworker;

import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Consumer;

/** Binding {@code evaluateRequests-in-0} (evaluate.requests, group eval-worker). */
@Configuration
public class EvalWorkerBindings {

    private static final Logger log = LoggerFactory.getLogger(EvalWorkerBindings.class);

    @Bean
    public Consumer<Message<byte[]>> evaluateRequests(StreamBridge bridge) {
        return message -> {
            Object key = message.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
            UUID jobId;
            try {
                jobId = UUID.fromString(key instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(key));
            } catch (IllegalArgumentException e) {
                log.error("dropping evaluate.requests message without a job id key ({})", key);
                return;
            }
            log.warn("job {}: evaluation (perplexity, KL-divergence) is not implemented yet; answering FAILED", jobId);
            JobEvent failed = JobEvent.failed(jobId, "NOT_IMPLEMENTED", "eval-worker cannot run this job yet: evaluation (perplexity, KL-divergence) arrives in a later release");
            bridge.send(Topics.JOB_EVENTS, MessageBuilder.withPayload(MessageCodec.encode(failed))
                    .setHeader(KafkaHeaders.KEY, MessageCodec.key(jobId)).build());
        };
    }
}
