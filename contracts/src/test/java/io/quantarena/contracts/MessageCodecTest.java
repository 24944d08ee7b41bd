package io.quantarena.contracts;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageCodecTest {

    @Test
    void jobEventsSurviveTheRoundTrip() {
        UUID job = UUID.randomUUID();
        JobEvent event = JobEvent.succeeded(job, new QuantOutcome("m/m-Q8_0.gguf", 1234, "ab".repeat(32), 99, 8.5, "Q8_0",
                List.of(new TensorRow("blk.0.attn_q.weight", List.of(256L, 256L), "q8_0", 69632),
                        new TensorRow("output_norm.weight", List.of(256L), "f32", 1024))));
        JobEvent progress = JobEvent.progress(job, 0.5, "quantize", "half", new ProgressDetail("blk.0.attn_q.weight", 3, 6, 4096L, null));
        JobEvent imatrix = JobEvent.succeeded(job, new ImatrixOutcome("imatrix/m/m.dat", 10, "cd".repeat(32), "calibration.txt",
                "ef".repeat(32), 512, 2, 1024, 42, 37.5));

        assertThat(MessageCodec.decode(MessageCodec.encode(event), JobEvent.class)).isEqualTo(event);
        assertThat(MessageCodec.decode(MessageCodec.encode(progress), JobEvent.class)).isEqualTo(progress);
        assertThat(MessageCodec.decode(MessageCodec.encode(imatrix), JobEvent.class)).isEqualTo(imatrix);
        assertThat(event.quant().tensorTypes()).containsExactly(java.util.Map.entry("blk.0.attn_q.weight", "q8_0"),
                java.util.Map.entry("output_norm.weight", "f32"));
        assertThat(MessageCodec.encodeToString(event)).doesNotContain("tensorTypes");
    }

    @Test
    void requestsIgnoreFieldsAddedByNewerProducersAndDefaultMissingLists() {
        UUID job = UUID.randomUUID();
        String json = "{\"jobId\":\"" + job + "\",\"modelName\":\"m\",\"modelFile\":\"m.gguf\",\"recipe\":{\"ftype\":\"Q8_0\"},\"later\":1}";

        QuantizeRequested r = MessageCodec.decode(json, QuantizeRequested.class);

        assertThat(r).isEqualTo(new QuantizeRequested(job, "m", "m.gguf", QuantRecipe.of("Q8_0"), null));
        assertThat(r.recipe().customQ()).isEmpty();
    }

    @Test
    void quantizeRequestsCarryTheWholeRecipe() {
        UUID job = UUID.randomUUID();
        QuantizeRequested r = new QuantizeRequested(job, "m", "m.gguf", new QuantRecipe("Q4_K_M", List.of("attn=q8_0", "ffn_down=q6_K"),
                "q8_0", null, true, List.of("general.name=str:x")), new ArtifactRef(7, "imatrix/m/m.dat", "ab".repeat(32)));

        assertThat(MessageCodec.decode(MessageCodec.encode(r), QuantizeRequested.class)).isEqualTo(r);
        assertThat(MessageCodec.decode(MessageCodec.encode(new ImatrixRequested(job, "m", "m.gguf", "calibration.txt", 512, null)),
                ImatrixRequested.class).chunks()).isNull();
    }

    @Test
    void evaluationRequestsProgressAndResultsSurviveTheRoundTrip() {
        UUID job = UUID.randomUUID();
        EvaluateRequested request = new EvaluateRequested(job, "tiny-llama", "tiny-llama-bf16.gguf", "cd".repeat(32),
                "quants/tiny-llama/x.gguf", "wiki.test.raw", 512, null, true, 2);
        JobEvent progress = JobEvent.progress(job, 0.5, "kl-divergence", "chunk 1/2", new ChunkProgress(1, 2, 84.79, 0.0123));
        KldStatistics kld = new KldStatistics(77.1, 9.6, 0.9998, -0.0013, 0.0027, 0.0034, 0.0015, 0.63, 0.49, 0.05,
                0.01, 0.007, 0.0002, 0.00007, 0.00005, 0.00001, 0.000002, 0.000001, -0.00012, 0.00017, 0.08, 0.02,
                0.0, -0.03, -0.09, 0.00385, 0.00069, 0.9902, 0.00437);
        JobEvent done = JobEvent.evaluated(job, new EvaluationOutcome("wiki.test.raw", "ef".repeat(32), 512, 2, 510, 2,
                77.07, 9.63, kld, new StoredFile("base-logits/tiny-llama/k.kld", 4_186_116, "01".repeat(32)),
                "quantarena 0.1.0", 3.5, 292.6));

        assertThat(MessageCodec.decode(MessageCodec.encode(request), EvaluateRequested.class)).isEqualTo(request);
        assertThat(MessageCodec.decode(MessageCodec.encode(progress), JobEvent.class)).isEqualTo(progress);
        assertThat(MessageCodec.decode(MessageCodec.encode(done), JobEvent.class)).isEqualTo(done);
    }

    @Test
    void eventsOfProducersWithoutEvaluationFieldsStillDecode() {
        UUID job = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        String json = "{\"eventId\":\"" + id + "\",\"jobId\":\"" + job + "\",\"type\":\"FAILED\","
                + "\"at\":\"2025-01-01T00:00:00Z\",\"stage\":\"X\",\"message\":\"boom\"}";

        JobEvent event = MessageCodec.decode(json, JobEvent.class);

        assertThat(event.message()).isEqualTo("boom");
        assertThat(event.chunks()).isNull();
        assertThat(event.evaluation()).isNull();
    }

    @Test
    void undecodableMessagesNameTheTypeAndContent() {
        assertThatThrownBy(() -> MessageCodec.decode("{\"jobId\":", JobEvent.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JobEvent").hasMessageContaining("{\"jobId\":");
    }
}
