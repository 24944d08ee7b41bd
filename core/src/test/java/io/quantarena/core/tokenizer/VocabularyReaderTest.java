package io.quantarena.core.tokenizer;

import io.quantarena.core.gguf.GgufMetadata;
import io.quantarena.core.gguf.GgufValue;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VocabularyReaderTest {

    @Test
    void readsTheSharedLlamaVocabulary() {
        Vocabulary v = TestVocabularies.llamaSpm().vocabulary();
        assertThat(v.type()).isEqualTo(VocabType.SPM);
        assertThat(v.size()).isEqualTo(32000);
        assertThat(v.specialIds().bos()).isEqualTo(1);
        assertThat(v.specialIds().eos()).isEqualTo(2);
        assertThat(v.specialIds().unk()).isEqualTo(0);
        assertThat(v.tokenType(13)).isEqualTo(TokenType.BYTE);
        assertThat(v.addBos()).isTrue();
        assertThat(v.addSpacePrefix()).isTrue();
        assertThat(TestVocabularies.llamaSpm()).isInstanceOf(SentencePieceTokenizer.class);
    }

    @Test
    void readsTheSharedLlama4Vocabulary() {
        Vocabulary v = TestVocabularies.llama4Bpe().vocabulary();
        assertThat(v.type()).isEqualTo(VocabType.BPE);
        assertThat(v.preTokenizer()).isEqualTo("llama4");
        assertThat(v.merges()).hasSize(3835).startsWith("Ġ t");
        assertThat(v.specialIds().bos()).isZero();
        assertThat(v.specialIds().eot()).isEqualTo(4); // found by its text <|eot|>
        assertThat(v.addSpacePrefix()).isFalse();
        assertThat(TestVocabularies.llama4Bpe()).isInstanceOf(BpeTokenizer.class);
    }

    @Test
    void appliesLlamaCppDefaultsForMissingKeys() {
        Map<String, GgufValue> kv = new HashMap<>();
        kv.put("tokenizer.ggml.model", GgufValue.ofString("llama"));
        kv.put("tokenizer.ggml.tokens", GgufValue.ofStringArray(List.of("<unk>", "<s>", "</s>", "▁a")));
        kv.put("tokenizer.ggml.eos_token_id", GgufValue.ofUInt32(99)); // out of range: ignored
        Vocabulary v = VocabularyReader.fromGguf(new GgufMetadata(kv, "test"));
        assertThat(v.specialIds()).isEqualTo(new SpecialTokenIds(1, 2, 0, -1, -1, -1, -1));
        assertThat(v.types()).containsOnly(TokenType.NORMAL);
        assertThat(v.score(3)).isZero();
        assertThat(v.addBos()).isTrue();
        assertThat(v.addEos()).isFalse();
        assertThat(v.addSpacePrefix()).isTrue();
    }

    @Test
    void rejectsMissingOrUnsupportedTokenizers() {
        assertThatThrownBy(() -> VocabularyReader.fromGguf(new GgufMetadata(Map.of(), "empty.gguf")))
                .hasMessageContaining("tokenizer.ggml.model").hasMessageContaining("empty.gguf");
        Map<String, GgufValue> kv = Map.of("tokenizer.ggml.model", GgufValue.ofString("t5"),
                "tokenizer.ggml.tokens", GgufValue.ofStringArray(List.of("a")));
        assertThatThrownBy(() -> VocabularyReader.fromGguf(new GgufMetadata(kv, "t5.gguf"))).hasMessageContaining("'t5'");
        Map<String, GgufValue> badTypes = Map.of("tokenizer.ggml.model", GgufValue.ofString("llama"),
                "tokenizer.ggml.tokens", GgufValue.ofStringArray(List.of("a", "b")),
                "tokenizer.ggml.token_type", GgufValue.ofInt32Array(new int[]{1}));
        assertThatThrownBy(() -> VocabularyReader.fromGguf(new GgufMetadata(badTypes, "x.gguf")))
                .hasMessageContaining("token_type").hasMessageContaining("1 entries");
    }
}
