package io.quantarena.core.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BpeTokenizerTest {

    static final int BOS = 0;
    static final int EOT = 1;
    static final int FIRST_BYTE = 2; // ids 2..257: GPT-2 byte characters in byte order

    static Vocabulary vocab(String pre, List<String> merges, String... extraTokens) {
        List<String> tokens = new ArrayList<>(List.of("<|begin_of_text|>", "<|eot|>"));
        List<TokenType> types = new ArrayList<>(List.of(TokenType.CONTROL, TokenType.CONTROL));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelMapping.charOf(b)));
            types.add(TokenType.NORMAL);
        }
        for (String t : extraTokens) {
            tokens.add(t);
            types.add(TokenType.NORMAL);
        }
        return new Vocabulary(VocabType.BPE, pre, tokens, null, types, merges,
                new SpecialTokenIds(BOS, EOT, SpecialTokenIds.NONE, -1, -1, EOT, -1), true, false, false);
    }

    static int byteId(char c) {
        return FIRST_BYTE + c;
    }

    @Test
    void mapsBytesToGpt2Characters() {
        assertThat(ByteLevelMapping.charOf(' ')).isEqualTo('Ġ');
        assertThat(ByteLevelMapping.charOf('\n')).isEqualTo('Ċ');
        assertThat(ByteLevelMapping.charOf('a')).isEqualTo('a');
        assertThat(ByteLevelMapping.charOf(0xAD)).isEqualTo('Ń');
        for (int b = 0; b < 256; b++) {
            assertThat(ByteLevelMapping.byteOf(ByteLevelMapping.charOf(b))).isEqualTo(b);
        }
    }

    @Test
    void appliesTheBestRankedMergeFirst() {
        Vocabulary bcFirst = vocab("gpt2", List.of("b c", "a b"), "bc", "ab");
        assertThat(new BpeTokenizer(bcFirst).encode("abc", false, false)).containsExactly(byteId('a'), 258);
        Vocabulary abFirst = vocab("gpt2", List.of("a b", "b c"), "bc", "ab");
        assertThat(new BpeTokenizer(abFirst).encode("abc", false, false)).containsExactly(259, byteId('c'));
    }

    @Test
    void mergesBuildOnEarlierMergesWithinAWord() {
        Vocabulary v = vocab("gpt2", List.of("Ġ t", "h e", "Ġt he"), "Ġt", "he", "Ġthe");
        assertThat(new BpeTokenizer(v).encode("the the", false, false))
                .containsExactly(byteId('t'), 259, 260);
    }

    @Test
    void wholeWordTokensSkipMergesOnlyWhereThePreTokenizerSaysSo() {
        // "xyz" is a token but no merges lead to it
        assertThat(new BpeTokenizer(vocab("llama-bpe", List.of(), "xyz")).encode("xyz", false, false)).containsExactly(258);
        assertThat(new BpeTokenizer(vocab("gpt2", List.of(), "xyz")).encode("xyz", false, false))
                .containsExactly(byteId('x'), byteId('y'), byteId('z'));
    }

    @Test
    void specialTokensAndBos() {
        BpeTokenizer t = new BpeTokenizer(vocab("llama4", List.of()));
        assertThat(t.encode("a<|eot|>", true, true)).containsExactly(BOS, byteId('a'), EOT);
        assertThat(t.encode("a<|eot|>", false, false)).hasSize(8);
    }

    @Test
    void decodesBytesBackToText() {
        BpeTokenizer t = new BpeTokenizer(vocab("llama4", List.of("Ġ t", "h e", "Ġt he"), "Ġt", "he", "Ġthe"));
        String text = "the héllo wörld\n\t🦙 <|eot|>";
        int[] ids = t.encode(text, true, true);
        assertThat(ids[0]).isEqualTo(BOS);
        assertThat(ids[ids.length - 1]).isEqualTo(EOT);
        assertThat(t.decode(ids)).isEqualTo("the héllo wörld\n\t🦙 ");
        assertThat(new String(t.piece(260, false))).isEqualTo(" the");
    }
}
