package io.quantarena.core.tokenizer;

import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** decode(encode(text)) == text on the shared vocabularies, in one piece and streamed token by token. */
class RoundTripTest {

    static final List<String> SAMPLES = List.of(
            "Hello world",
            " leading space and trailing space ",
            "multiple   spaces\n\nnew lines\ttabs\r\n",
            "Unicode: héllo wörld, Привет мир, 我想在apple工作, emoji 🦙🚀 😶‍🌫️, Khmer កាន់តែពិសេស",
            "<s> and <|eot|> as plain text, 3.14159 and 1,000,000",
            "\n",
            "");

    @ParameterizedTest
    @ValueSource(strings = {"tokenizers/ggml-vocab-llama-spm.gguf", "tokenizers/bpe-llama4-4k.gguf",
            "models/tiny-llama-bf16.gguf"})
    void samplesSurviveEncodeAndDecode(String vocabFile) {
        Tokenizer t = TestVocabularies.tokenizer(vocabFile);
        for (String s : SAMPLES) {
            int[] ids = t.encode(s, true, false);
            assertThat(t.decode(ids)).as("round trip of " + TokenizerVectorsTest.quote(s)).isEqualTo(s);
            assertThat(streamed(t, ids)).isEqualTo(s);
        }
    }

    @Test
    void wikiTextSurvivesTheTinyModelVocabulary() {
        Tokenizer t = TestVocabularies.tinyLlama();
        String wiki = SharedAssets.text("data/wiki.test.raw");
        assertThat(t.decode(t.encode(wiki, true, true))).isEqualTo(wiki);
    }

    @Test
    void specialTokensParsedFromTextDecodeOnlyWhenRendered() {
        Tokenizer t = TestVocabularies.llama4Bpe();
        int[] ids = t.encode("<|header_start|>user<|header_end|>", false, true);
        assertThat(ids[0]).isEqualTo(2);
        assertThat(ids[ids.length - 1]).isEqualTo(3);
        assertThat(ids).doesNotContain(0, 1, 4);
        assertThat(t.decode(ids)).isEqualTo("user");
        TokenStreamDecoder d = new TokenStreamDecoder(t, true, true);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(d.append(id));
        }
        assertThat(sb).hasToString("<|header_start|>user<|header_end|>");
    }

    static String streamed(Tokenizer t, int[] ids) {
        TokenStreamDecoder d = new TokenStreamDecoder(t, true, false);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(d.append(id));
        }
        return sb.append(d.finish()).toString();
    }
}
