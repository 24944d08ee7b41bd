package io.quantarena.core.tokenizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BpePreTokenizerTest {

    @Test
    void gpt2SplitsWordsNumbersAndContractions() {
        assertThat(BpePreTokenizer.forName("gpt2").split("Hello world's 12345!!  x"))
                .containsExactly("Hello", " world", "'s", " 12345", "!!", " ", " x");
    }

    @Test
    void llama3GroupsDigitsByThreeAndNewlines() {
        assertThat(BpePreTokenizer.forName("llama-bpe").split("Hello world's 12345\n\n  x"))
                .containsExactly("Hello", " world", "'s", " ", "123", "45", "\n\n", " ", " x");
        assertThat(BpePreTokenizer.forName("llama3").split("don'T"))
                .containsExactly("don", "'T");
    }

    @Test
    void llama4SplitsAtCaseChangesAndKeepsContractionsOnTheWord() {
        BpePreTokenizer p = BpePreTokenizer.forName("llama4");
        assertThat(p.split("HelloWorld ABCdef HELLO world")).containsExactly("Hello", "World", " ABCdef", " HELLO", " world");
        assertThat(p.split("I'VE don't We'Ve")).containsExactly("I'VE", " don't", " We'Ve");
        assertThat(p.split("1+/\nab")).containsExactly("1", "+/\n", "ab");
        assertThat(p.split("Привет мир 我想在apple工作")).containsExactly("Привет", " мир", " 我想在apple工作");
        assertThat(p.split("3333333 x\n\n\t")).containsExactly("333", "333", "3", " x", "\n\n", "\t");
    }

    @Test
    void defaultChainSplitsPunctuationThenDigitsByThree() {
        assertThat(BpePreTokenizer.forName("default").split("a+b=123456 c"))
                .containsExactly("a", "+", "b", "=", "123", "456", " c");
    }

    @Test
    void unknownPreTokenizerNamesAreRejected() {
        assertThatThrownBy(() -> BpePreTokenizer.forName("qwen2")).hasMessageContaining("'qwen2'");
    }
}
