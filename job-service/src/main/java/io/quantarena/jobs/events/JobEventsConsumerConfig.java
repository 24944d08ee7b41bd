package io.quantarena.jobs.events;

import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import java.util.function.Consumer;

/** Binds {@code job.events} (binding {@code jobEvents-in-0}) to the applier. */
@Configuration
public class JobEventsConsumerConfig {

    private static final Logger log = LoggerFactory.getLogger(JobEventsConsumerConfig.class);

    @Bean
    public Consumer<Message<byte[]>> jobEvents(JobEventApplier applier) {
        return message -> {
            JobEvent event;
            try {
                event = MessageCodec.decode(message.getPayload(), JobEvent.class);
            } catch (IllegalArgumentException e) {
                // a malformed message can never be applied: log it and move on rather than block the partition
                log.error("dropping undecodable job event: {}", e.getMessage());
                return;
            }
            MDC.put("jobId", event.jobId().toString());
            try {
                applier.apply(event);
            } finally {
                MDC.remove("jobId");
            }
        };
    }
}
