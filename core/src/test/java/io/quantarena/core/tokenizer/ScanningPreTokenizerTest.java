package io.quantarena.core.tokenizer;

import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written scanners split exactly like the regexes they replace (run by java.util.regex). */
class ScanningPreTokenizerTest {

    static final String CONTRACTIONS = "'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]";
    static final String U = "[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]";
    static final String L = "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]";
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    static final String LLAMA3 = "(?:" + CONTRACTIONS + ")|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String LLAMA4 = "[^\\r\\n\\p{L}\\p{N}]?" + U + "*" + L + "+(?:" + CONTRACTIONS + ")?"
            + "|[^\\r\\n\\p{L}\\p{N}]?" + U + "+" + L + "*(?:" + CONTRACTIONS + ")?"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Letters of every case class, marks, numbers, Unicode spaces, surrogate pairs, a lone surrogate. */
    static final String[] ALPHABET = {"a", "Z", "x", "Q", "'", "s", "S", "t", "T", "r", "R", "e", "E", "v", "V", "l", "L",
            "m", "M", "d", "D", "0", "9", " ", " ", " ", "\t", "\r", "\n", "/", "!", "?", ".", ",", "-", "\u00A0", "\u2028",
            "\u3000", "\u0085", "\u001F", "é", "É", "\u0301", "\u0903", "\u20DD", "\u02B0", "我", "\u01C5", "Ж", "ж", "²",
            "Ⅻ", "٣", "🦙", "\uD835\uDC00", "\u200D", "\uD800", "ſ", "ǈ"};

    static String oracle(ScanningPreTokenizer.Style style) {
        return switch (style) {
            case GPT2 -> GPT2;
            case LLAMA3 -> LLAMA3;
            case LLAMA4 -> LLAMA4;
        };
    }

    @ParameterizedTest
    @EnumSource(ScanningPreTokenizer.Style.class)
    void matchesTheRegexOnRealAndRandomText(ScanningPreTokenizer.Style style) {
        ScanningPreTokenizer scanner = new ScanningPreTokenizer("scan", false, style);
        RegexPreTokenizer regex = new RegexPreTokenizer("regex", false, oracle(style));

        List<String> texts = new ArrayList<>(TokenizerVectorsTest.inputs(SharedAssets.text("tokenizers/bpe-llama4-4k.gguf.inp")));
        texts.add(SharedAssets.text("data/wiki.test.raw").substring(0, 200_000));
        Random random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(24);
            for (int k = 0; k < len; k++) {
                sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            texts.add(sb.toString());
        }
        for (String text : texts) {
            assertThat(scanner.split(text)).as(style + " on " + TokenizerVectorsTest.quote(text)).isEqualTo(regex.split(text));
        }
    }
}
