package io.quantarena.core.tokenizer;

import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * llama.cpp's test-tokenizer-0 vectors: {@code X.gguf.inp} holds the inputs, each followed by a line
 * {@code __ggml_vocab_test__} (so an input never includes the newline before the separator), and
 * {@code X.gguf.out} one line of ids per input, tokenized without BOS and without special parsing.
 */
class TokenizerVectorsTest {

    static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    @ParameterizedTest
    @ValueSource(strings = {"tokenizers/ggml-vocab-llama-spm.gguf", "tokenizers/bpe-llama4-4k.gguf"})
    void matchesReferenceIds(String vocabFile) {
        Tokenizer tokenizer = TestVocabularies.tokenizer(vocabFile);
        List<String> inputs = inputs(SharedAssets.text(vocabFile + ".inp"));
        List<int[]> expected = outputs(SharedAssets.text(vocabFile + ".out"));
        assertThat(expected).as("one expected line per input").hasSize(inputs.size());
        assertThat(inputs).hasSizeGreaterThan(40);

        List<String> failures = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            int[] actual = tokenizer.encode(inputs.get(i), false, false);
            if (!Arrays.equals(actual, expected.get(i))) {
                failures.add("case " + i + " " + quote(inputs.get(i)) + "\n  expected " + Arrays.toString(expected.get(i))
                        + "\n  actual   " + Arrays.toString(actual));
            }
        }
        assertThat(failures).as("cases of " + vocabFile + " that differ").isEmpty();
    }

    static List<String> inputs(String text) {
        assertThat(text).endsWith(SEPARATOR);
        List<String> inputs = new ArrayList<>(Arrays.asList(text.split(SEPARATOR, -1)));
        inputs.removeLast(); // after the final separator
        return inputs;
    }

    static List<int[]> outputs(String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        return lines.stream()
                .map(String::strip)
                .map(l -> l.isEmpty() ? new int[0] : Arrays.stream(l.split(" +")).mapToInt(Integer::parseInt).toArray())
                .toList();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
