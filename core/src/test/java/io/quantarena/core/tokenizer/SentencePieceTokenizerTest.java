package io.quantarena.core.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SentencePieceTokenizerTest {

    static final int UNK = 0;
    static final int BOS = 1;
    static final int EOS = 2;
    static final int BYTE0 = 3; // <0x00> .. <0xFF> are ids 3 .. 258

    /** A tiny vocabulary: unk, bos, eos, 256 byte tokens, then the given pieces ("text:score", "text:score:type"). */
    static Vocabulary vocab(boolean addSpacePrefix, boolean withBytes, String... pieces) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<TokenType> types = new ArrayList<>(List.of(TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        for (int b = 0; b < 256 && withBytes; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(TokenType.BYTE);
            scores.add(0f);
        }
        for (String p : pieces) {
            String[] f = p.split(":");
            tokens.add(f[0]);
            scores.add(Float.parseFloat(f[1]));
            types.add(f.length > 2 ? TokenType.valueOf(f[2]) : TokenType.NORMAL);
        }
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
        }
        return new Vocabulary(VocabType.SPM, "default", tokens, s, types, List.of(),
                SpecialTokenIds.spmDefaults(), true, false, addSpacePrefix);
    }

    static int id(Vocabulary v, String token) {
        int id = v.tokens().indexOf(token);
        assertThat(id).as("token " + token).isNotNegative();
        return id;
    }

    @Test
    void mergesTheHighestScoringPairFirst() {
        Vocabulary v = vocab(true, true, "▁:-10", "a:-10", "b:-10", "c:-10", "▁a:-3", "ab:-2", "bc:-1", "abc:-5");
        // pairs ▁a(-3) ab(-2) bc(-1): bc first, then ▁a; "a"+"bc" = abc would come next but a is gone
        assertThat(new SentencePieceTokenizer(v).encode("abc", false, false))
                .containsExactly(id(v, "▁a"), id(v, "bc"));
    }

    @Test
    void equalScoresMergeLeftmostFirst() {
        Vocabulary v = vocab(false, true, "a:-5", "aa:-1");
        assertThat(new SentencePieceTokenizer(v).encode("aaa", false, false))
                .containsExactly(id(v, "aa"), id(v, "a"));
    }

    @Test
    void spacesBecomeSpaceMarksWithADummyPrefix() {
        Vocabulary v = vocab(true, true, "▁:-10", "a:-10", "▁a:-1", "▁▁:-2");
        SentencePieceTokenizer t = new SentencePieceTokenizer(v);
        assertThat(t.encode("a a", false, false)).containsExactly(id(v, "▁a"), id(v, "▁a"));
        assertThat(t.encode(" a", false, false)).containsExactly(id(v, "▁"), id(v, "▁a"));
        assertThat(new SentencePieceTokenizer(vocab(false, true, "▁:-10", "a:-10", "▁a:-1")).encode("a a", false, false))
                .containsExactly(id(v, "a"), id(v, "▁a"));
    }

    @Test
    void charactersMissingFromTheVocabularyFallBackToUtf8Bytes() {
        Vocabulary v = vocab(false, true, "x:-1");
        assertThat(new SentencePieceTokenizer(v).encode("xéx€", false, false))
                .containsExactly(id(v, "x"), BYTE0 + 0xC3, BYTE0 + 0xA9, id(v, "x"), BYTE0 + 0xE2, BYTE0 + 0x82, BYTE0 + 0xAC);
    }

    @Test
    void withoutByteTokensAMissingCharacterIsTheUnknownToken() {
        Vocabulary v = vocab(false, false, "x:-1");
        assertThat(new SentencePieceTokenizer(v).encode("xéx", false, false)).containsExactly(id(v, "x"), UNK, id(v, "x"));
    }

    @Test
    void addsBosAndEosAsTheVocabularyAsks() {
        Vocabulary v = vocab(false, true, "x:-1");
        SentencePieceTokenizer t = new SentencePieceTokenizer(v);
        assertThat(t.encode("x", true, false)).containsExactly(BOS, id(v, "x"));
        assertThat(t.encode("", true, false)).containsExactly(BOS);
        assertThat(t.encode("", false, false)).isEmpty();
        Vocabulary withEos = new Vocabulary(v.type(), v.preTokenizer(), v.tokens(), v.scores(), v.types(), v.merges(),
                v.specialIds(), false, true, false);
        assertThat(new SentencePieceTokenizer(withEos).encode("x", true, false)).containsExactly(id(v, "x"), EOS);
    }

    @Test
    void controlTokensAreParsedOnlyOnRequestAndTheTextAfterThemGetsASpacePrefix() {
        Vocabulary v = vocab(true, true, "▁:-10", "a:-10", "b:-10", "▁a:-1", "▁b:-1", "s:-3", "<:-4", ">:-4");
        SentencePieceTokenizer t = new SentencePieceTokenizer(v);
        assertThat(t.encode("a</s>b", false, true)).containsExactly(id(v, "▁a"), EOS, id(v, "▁b"));
        assertThat(t.encode("a</s>b", false, false)).containsExactly(id(v, "▁a"), id(v, "<"), BYTE0 + '/', id(v, "s"),
                id(v, ">"), id(v, "b"));
    }

    @Test
    void userDefinedTokensAreAlwaysParsedLongestFirst() {
        Vocabulary v = vocab(false, true, "a:-1", "<x>:0:USER_DEFINED", "<x>y:0:USER_DEFINED");
        SentencePieceTokenizer t = new SentencePieceTokenizer(v);
        assertThat(t.encode("a<x>ya<x>", false, false))
                .containsExactly(id(v, "a"), id(v, "<x>y"), id(v, "a"), id(v, "<x>"));
    }

    @Test
    void decodesPiecesBytesAndTheLeadingSpace() {
        Vocabulary v = vocab(true, true, "▁:-10", "a:-10", "▁a:-1", "bc:-1");
        SentencePieceTokenizer t = new SentencePieceTokenizer(v);
        int[] ids = {BOS, id(v, "▁a"), id(v, "bc"), BYTE0 + 0xC3, BYTE0 + 0xA9, EOS, id(v, "▁a")};
        assertThat(t.decode(ids)).isEqualTo("abcé a");
        assertThat(new String(t.piece(id(v, "▁a"), false))).isEqualTo(" a");
        assertThat(t.piece(BOS, false)).isEmpty();
        assertThat(new String(t.piece(BOS, true))).isEqualTo("<s>");
        assertThat(t.piece(BYTE0 + 0x0A, false)).containsExactly(0x0A);
        assertThatThrownBy(() -> t.piece(v.size(), false)).hasMessageContaining("outside the vocabulary");
    }

    @Test
    void charactersThatOnlyOccurInsidePiecesStillMerge() {
        Vocabulary v = vocab(false, true, "a:-2", "ab:-1");
        SentencePieceTokenizer t = new SentencePieceTokenizer(v);
        assertThat(t.encode("ab", false, false)).containsExactly(id(v, "ab"));
        assertThat(t.encode("ba", false, false)).containsExactly(BYTE0 + 'b', id(v, "a"));
    }

    @Test
    void piecesSpanningASpaceMarkDisableWordByWordTokenization() {
        Vocabulary v = vocab(true, true, "▁:-10", "x:-10", "▁x:-1", "x▁:-0.5");
        // "▁x▁x": x▁ (-0.5) beats both ▁x (-1); cutting into words "▁x" "▁x" would miss it
        assertThat(new SentencePieceTokenizer(v).encode("x x", false, false))
                .containsExactly(id(v, "▁"), id(v, "x▁"), id(v, "x"));
    }

    @Test
    void longRunsWithoutSpacesStayFast() {
        Vocabulary v = vocab(false, true, "a:-3", "aa:-2", "aaaa:-1");
        int[] ids = new SentencePieceTokenizer(v).encode("a".repeat(200_001), false, false);
        assertThat(ids).hasSize(50_001);
        assertThat(ids[50_000]).isEqualTo(id(v, "a"));
    }
}
