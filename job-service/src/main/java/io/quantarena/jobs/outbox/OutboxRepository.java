package io.quantarena.jobs.outbox;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.List;

@Repository
public class OutboxRepository {

    private final JdbcClient jdbc;

    public OutboxRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Must run inside the transaction that makes the change the message announces. */
    public void add(String topic, String key, String payloadJson) {
        jdbc.sql("INSERT INTO outbox (topic, message_key, payload) VALUES (?, ?, ?::jsonb)")
                .params(topic, key, payloadJson).update();
    }

    /** The oldest unpublished rows, locked so that a second relay (another instance) skips them. */
    public List<OutboxMessage> lockUnpublished(int limit) {
        return jdbc.sql("""
                        SELECT id, topic, message_key, payload::text AS payload FROM outbox
                        WHERE published_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""")
                .param(limit)
                .query((rs, i) -> new OutboxMessage(rs.getLong("id"), rs.getString("topic"),
                        rs.getString("message_key"), rs.getString("payload")))
                .list();
    }

    public void markPublished(long id) {
        jdbc.sql("UPDATE outbox SET published_at = now() WHERE id = ?").param(id).update();
    }

    public record OutboxMessage(long id, String topic, String key, String payloadJson) {
    }
}
