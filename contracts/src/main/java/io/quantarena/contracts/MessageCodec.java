package io.quantarena.contracts;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * JSON encoding of the messages on the wire. Services exchange bytes and decode them here, so the
 * wire format does not depend on each framework's converter settings.
 */
public final class MessageCodec {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // newer producers may add fields
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES) // older ones lack them: flags default to false
            .build();

    private MessageCodec() {
    }

    public static byte[] encode(Object message) {
        return JSON.writeValueAsBytes(message);
    }

    public static String encodeToString(Object message) {
        return JSON.writeValueAsString(message);
    }

    public static <T> T decode(byte[] json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot decode " + type.getSimpleName() + " from "
                    + preview(json) + ": " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T decode(String json, Class<T> type) {
        return decode(json.getBytes(StandardCharsets.UTF_8), type);
    }

    /** The Kafka record key for a job. */
    public static byte[] key(UUID jobId) {
        return jobId.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String preview(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
