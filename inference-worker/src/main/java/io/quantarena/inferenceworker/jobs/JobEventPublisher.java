package io.quantarena.inferenceworker.jobs;

import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.Topics;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/** Publishes job events synchronously (key = job id), so a request's offset is committed only after its result is out. */
public class JobEventPublisher {

    private final StreamBridge bridge;

    public JobEventPublisher(StreamBridge bridge) {
        this.bridge = bridge;
    }

    public void publish(JobEvent event) {
        boolean sent = bridge.send(Topics.JOB_EVENTS, MessageBuilder.withPayload(MessageCodec.encode(event))
                .setHeader(KafkaHeaders.KEY, MessageCodec.key(event.jobId()))
                .setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON_VALUE)
                .build());
        if (!sent) {
            throw new IllegalStateException("Kafka did not accept " + event.type() + " event of job " + event.jobId());
        }
    }
}
