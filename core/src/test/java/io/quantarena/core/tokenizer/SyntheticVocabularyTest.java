package io.quantarena.core.tokenizer;

import io.quantarena.core.gguf.GgufMetadata;
import io.quantarena.core.gguf.GgufValue;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticVocabularyTest {

    @Test
    void llama3SizedVocabularyHasUniqueTokensMergesOfExistingTokensAndControlTokensAtTheEnd() {
        SyntheticVocabulary v = SyntheticVocabulary.ofSize(128256);
        assertThat(v.size()).isEqualTo(128256);
        assertThat(new HashSet<>(v.tokens())).hasSize(128256);
        assertThat(v.bos()).isEqualTo(128000);
        assertThat(v.token(v.bos())).isEqualTo("<|begin_of_text|>");
        assertThat(v.tokens().get(v.eot())).isEqualTo("<|eot_id|>");
        assertThat(v.types().get(127999)).isEqualTo(TokenType.NORMAL);
        assertThat(v.types().get(128255)).isEqualTo(TokenType.CONTROL);
        assertThat(v.merges()).hasSize(128000 - 256);
        Set<String> tokens = new HashSet<>(v.tokens());
        for (String m : v.merges()) {
            String[] parts = m.split(" ");
            assertThat(parts).hasSize(2);
            boolean known = tokens.contains(parts[0]) && tokens.contains(parts[1]) && tokens.contains(parts[0] + parts[1]);
            assertThat(known).as("merge '%s' joins two tokens into a third", m).isTrue();
        }
    }

    @Test
    void lowerCaseTextTokenizesToMultiByteTokensAndDecodesBack() {
        SyntheticVocabulary sv = SyntheticVocabulary.ofSize(32768);
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("tokenizer.ggml.model", GgufValue.ofString("gpt2"));
        md.put("tokenizer.ggml.pre", GgufValue.ofString("llama-bpe"));
        md.put("tokenizer.ggml.tokens", GgufValue.ofStringArray(sv.tokens()));
        md.put("tokenizer.ggml.token_type", GgufValue.ofInt32Array(sv.typeIds()));
        md.put("tokenizer.ggml.merges", GgufValue.ofStringArray(sv.merges()));
        md.put("tokenizer.ggml.bos_token_id", GgufValue.ofUInt32(sv.bos()));
        md.put("tokenizer.ggml.eos_token_id", GgufValue.ofUInt32(sv.eos()));
        Tokenizer tok = Tokenizers.fromGguf(new GgufMetadata(md, "synthetic"));
        String text = "the quick brown fox, 42 times!";
        int[] ids = tok.encode(text, true, false);
        assertThat(ids[0]).isEqualTo(sv.bos());
        assertThat(ids.length).isLessThan(text.length() * 2 / 3);
        assertThat(tok.decode(java.util.Arrays.copyOfRange(ids, 1, ids.length))).isEqualTo(text);
    }

    @Test
    void rejectsVocabulariesTooSmallForTheByteTokens() {
        assertThatThrownBy(() -> SyntheticVocabulary.ofSize(100)).hasMessageContaining("at least " + SyntheticVocabulary.MIN_SIZE);
    }
}
