package io.quantarena.contracts;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageCodecTest {

    @Test
    void jobEventsSurviveTheRoundTrip() {
        UUID job = UUID.randomUUID();
        JobEvent event = JobEvent.succeeded(job, new QuantOutcome("m/m-Q8_0.gguf", 1234, "ab".repeat(32), 99, 8.5,
                Map.of("blk.0.attn_q.weight", "q8_0", "output_norm.weight", "f32")));

        JobEvent back = MessageCodec.decode(MessageCodec.encode(event), JobEvent.class);

        assertThat(back).isEqualTo(event);
    }

    @Test
    void requestsIgnoreFieldsAddedByNewerProducers() {
        UUID job = UUID.randomUUID();
        String json = "{\"jobId\":\"" + job + "\",\"modelName\":\"m\",\"modelFile\":\"m.gguf\",\"ftype\":\"Q8_0\",\"later\":1}";

        assertThat(MessageCodec.decode(json, QuantizeRequested.class))
                .isEqualTo(new QuantizeRequested(job, "m", "m.gguf", "Q8_0"));
    }

    @Test
    void undecodableMessagesNameTheTypeAndContent() {
        assertThatThrownBy(() -> MessageCodec.decode("{\"jobId\":", JobEvent.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JobEvent").hasMessageContaining("{\"jobId\":");
    }
}
