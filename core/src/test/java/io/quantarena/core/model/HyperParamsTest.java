package io.quantarena.core.model;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HyperParamsTest {

    static Map<String, Object> llama4Keys() {
        Map<String, Object> m = new HashMap<>();
        m.put("general.architecture", "llama4");
        m.put("llama4.block_count", 8);
        m.put("llama4.context_length", 1024);
        m.put("llama4.embedding_length", 256);
        m.put("llama4.feed_forward_length", 512);
        m.put("llama4.attention.head_count", 8);
        m.put("llama4.attention.head_count_kv", 4);
        m.put("llama4.rope.freq_base", 500000f);
        m.put("llama4.attention.layer_norm_rms_epsilon", 1e-5f);
        m.put("llama4.expert_count", 8);
        m.put("llama4.expert_used_count", 1);
        m.put("llama4.expert_feed_forward_length", 256);
        m.put("llama4.interleave_moe_layer_step", 2);
        return m;
    }

    @Test
    void readsLlama4ScheduleAndDefaults() {
        HyperParams hp = HyperParams.read(new ModelMetadata(llama4Keys()::get, List.of()), 4096);
        assertThat(hp.arch()).isEqualTo(Architecture.LLAMA4);
        assertThat(hp.headDim()).isEqualTo(32);
        assertThat(hp.kvDim()).isEqualTo(128);
        assertThat(hp.nVocab()).isEqualTo(4096);
        assertThat(hp.freqScale()).isEqualTo(1f);
        assertThat(hp.useKqNorm()).isTrue();
        // NoPE on layers 3 and 7; chunked attention exactly on the RoPE layers; MoE on odd layers for step 2
        for (int il = 0; il < 8; il++) {
            assertThat(hp.usesRope(il)).isEqualTo(il != 3 && il != 7);
            assertThat(hp.usesChunkedAttention(il)).isEqualTo(hp.usesRope(il));
            assertThat(hp.isMoeLayer(il)).isEqualTo(il % 2 == 1);
        }
    }

    @Test
    void expertUsedCountOverride() {
        HyperParams hp = HyperParams.read(new ModelMetadata(llama4Keys()::get,
                List.of(KvOverride.parse("llama4.expert_used_count=int:2"))), 4096);
        assertThat(hp.nExpertUsed()).isEqualTo(2);
        assertThatThrownBy(() -> HyperParams.read(new ModelMetadata(llama4Keys()::get,
                List.of(KvOverride.parse("llama4.expert_used_count=int:9"))), 4096))
                .hasMessageContaining("expert_used_count is 9");
    }

    @Test
    void llamaUsesRopeEverywhereAndNoKqNorm() {
        Map<String, Object> m = new HashMap<>();
        m.put("general.architecture", "llama");
        m.put("llama.block_count", 6);
        m.put("llama.context_length", 1024);
        m.put("llama.embedding_length", 256);
        m.put("llama.feed_forward_length", 768);
        m.put("llama.attention.head_count", 8);
        m.put("llama.attention.head_count_kv", 4);
        m.put("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        m.put("llama.rope.scaling.factor", 4f);
        HyperParams hp = HyperParams.read(new ModelMetadata(m::get, List.of()), 4096);
        assertThat(hp.ropeFreqBase()).isEqualTo(10000f);
        assertThat(hp.freqScale()).isEqualTo(0.25f);
        assertThat(hp.useKqNorm()).isFalse();
        for (int il = 0; il < 6; il++) {
            assertThat(hp.usesRope(il)).isTrue();
            assertThat(hp.usesChunkedAttention(il)).isFalse();
            assertThat(hp.isMoeLayer(il)).isFalse();
        }
    }

    @Test
    void missingRequiredKeyIsNamed() {
        Map<String, Object> m = llama4Keys();
        m.remove("llama4.attention.layer_norm_rms_epsilon");
        assertThatThrownBy(() -> HyperParams.read(new ModelMetadata(m::get, List.of()), 4096))
                .hasMessageContaining("llama4.attention.layer_norm_rms_epsilon");
    }
}
