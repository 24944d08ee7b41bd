package io.quantarena.jobs.outbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.MimeTypeUtils;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Publishes outbox rows to Kafka in id order (key = job id) and marks them published in the same
 * transaction that locked them. Sends are synchronous, so a row is only marked once Kafka has it; a
 * crash in between re-sends it, which consumers tolerate (events by id, results by job id).
 */
@Component
public class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;

    private final OutboxRepository outbox;
    private final StreamBridge streamBridge;
    private final TransactionTemplate tx;

    public OutboxRelay(OutboxRepository outbox, StreamBridge streamBridge, TransactionTemplate tx) {
        this.outbox = outbox;
        this.streamBridge = streamBridge;
        this.tx = tx;
    }

    @Scheduled(fixedDelayString = "${quantarena.outbox-poll-interval:200ms}")
    public void relay() {
        try {
            while (relayBatch() == BATCH) {
                // a full batch: there may be more waiting
            }
        } catch (RuntimeException e) {
            log.warn("outbox relay failed, retrying at the next poll: {}", e.getMessage());
        }
    }

    /** Publishes one batch; returns how many rows it published. */
    public int relayBatch() {
        Integer n = tx.execute(status -> {
            List<OutboxRepository.OutboxMessage> rows = outbox.lockUnpublished(BATCH);
            for (OutboxRepository.OutboxMessage row : rows) {
                publish(row);
                outbox.markPublished(row.id());
            }
            return rows.size();
        });
        return n == null ? 0 : n;
    }

    private void publish(OutboxRepository.OutboxMessage row) {
        Message<byte[]> message = MessageBuilder.withPayload(row.payloadJson().getBytes(StandardCharsets.UTF_8))
                .setHeader(KafkaHeaders.KEY, row.key().getBytes(StandardCharsets.UTF_8))
                .setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON_VALUE)
                .build();
        MDC.put("jobId", row.key());
        try {
            if (!streamBridge.send(row.topic(), message)) {
                throw new IllegalStateException("Kafka did not accept outbox row " + row.id() + " for " + row.topic());
            }
            log.info("published outbox row {} to {}", row.id(), row.topic());
        } finally {
            MDC.remove("jobId");
        }
    }
}
