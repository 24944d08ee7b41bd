package io.quantarena.core.tokenizer;

import org.junit.jupiter.api.Test;

import static io.quantarena.core.tokenizer.SentencePieceTokenizerTest.BOS;
import static io.quantarena.core.tokenizer.SentencePieceTokenizerTest.BYTE0;
import static io.quantarena.core.tokenizer.SentencePieceTokenizerTest.id;
import static io.quantarena.core.tokenizer.SentencePieceTokenizerTest.vocab;
import static org.assertj.core.api.Assertions.assertThat;

class TokenStreamDecoderTest {

    final Vocabulary v = vocab(true, true, "▁:-10", "a:-10", "▁a:-1");
    final SentencePieceTokenizer t = new SentencePieceTokenizer(v);

    @Test
    void holdsBackIncompleteUtf8UntilItsLastByte() {
        TokenStreamDecoder d = new TokenStreamDecoder(t, true, false);
        assertThat(d.append(BOS)).isEmpty();
        assertThat(d.append(id(v, "▁a"))).isEqualTo("a");
        assertThat(d.append(BYTE0 + 0xF0)).isEmpty();
        assertThat(d.append(BYTE0 + 0x9F)).isEmpty();
        assertThat(d.append(BYTE0 + 0xA6)).isEmpty();
        assertThat(d.append(BYTE0 + 0x99)).isEqualTo("🦙");
        assertThat(d.append(id(v, "▁a"))).isEqualTo(" a");
        assertThat(d.append(BYTE0 + 0xC3)).isEmpty();
        assertThat(d.finish()).isEqualTo("\uFFFD");
    }

    @Test
    void aContinuationKeepsTheLeadingSpaceAndSpecialTokensCanBeShown() {
        TokenStreamDecoder d = new TokenStreamDecoder(t, false, true);
        assertThat(d.append(id(v, "▁a"))).isEqualTo(" a");
        assertThat(d.append(BOS)).isEqualTo("<s>");
    }

    @Test
    void completePrefixLength() {
        assertThat(TokenStreamDecoder.completePrefixLength(new byte[]{'a', (byte) 0xE2, (byte) 0x82})).isEqualTo(1);
        assertThat(TokenStreamDecoder.completePrefixLength(new byte[]{'a', (byte) 0xE2, (byte) 0x82, (byte) 0xAC})).isEqualTo(4);
        assertThat(TokenStreamDecoder.completePrefixLength(new byte[]{'a', 'b'})).isEqualTo(2);
        assertThat(TokenStreamDecoder.completePrefixLength(new byte[0])).isZero();
    }
}
