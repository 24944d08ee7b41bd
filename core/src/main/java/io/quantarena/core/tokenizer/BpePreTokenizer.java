package io.quantarena.core.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the words that byte-level BPE merges within, by the regexes that
 * {@code tokenizer.ggml.pre} names. Several regexes apply in turn, each to the pieces of the previous one;
 * text between matches stays a piece of its own (as in llama.cpp). Unicode classes come from the JDK;
 * {@code \s} is Unicode white space.
 */
final class BpePreTokenizer {

    private static final String CONTRACTIONS = "'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]";
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private static final String LLAMA3 = "(?:" + CONTRACTIONS + ")|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    // Llama-4 / GPT-4o: words split at lower-to-upper case changes; an upper-case run may end a word
    private static final String UPPERISH = "[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]";
    private static final String LOWERISH = "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]";
    private static final String LLAMA4 = "[^\\r\\n\\p{L}\\p{N}]?" + UPPERISH + "*" + LOWERISH + "+(?:" + CONTRACTIONS + ")?"
            + "|[^\\r\\n\\p{L}\\p{N}]?" + UPPERISH + "+" + LOWERISH + "*(?:" + CONTRACTIONS + ")?"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private final String name;
    private final Pattern[] patterns;
    private final boolean ignoreMerges;

    private BpePreTokenizer(String name, boolean ignoreMerges, String... regexes) {
        this.name = name;
        this.ignoreMerges = ignoreMerges;
        this.patterns = new Pattern[regexes.length];
        for (int i = 0; i < regexes.length; i++) {
            patterns[i] = Pattern.compile(regexes[i], Pattern.UNICODE_CHARACTER_CLASS);
        }
    }

    /** The pre-tokenizer for a {@code tokenizer.ggml.pre} value. */
    static BpePreTokenizer forName(String pre) {
        return switch (pre.toLowerCase(Locale.ROOT)) {
            // llama.cpp's fallback chain for unnamed BPE vocabularies
            case "default" -> new BpePreTokenizer(pre, false,
                    "[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]");
            case "gpt2", "gpt-2" -> new BpePreTokenizer(pre, false, GPT2);
            case "llama3", "llama-bpe", "llama-v3" -> new BpePreTokenizer(pre, true, LLAMA3);
            case "llama4", "gpt-4o" -> new BpePreTokenizer(pre, true, LLAMA4);
            default -> throw new IllegalArgumentException("tokenizer.ggml.pre '" + pre + "' is not supported; expected one of "
                    + "default, gpt2, gpt-2, llama3, llama-bpe, llama-v3, llama4, gpt-4o");
        };
    }

    String name() {
        return name;
    }

    /** Whether a word that is a token as a whole is emitted as that token without merging (HF ignore_merges). */
    boolean ignoreMerges() {
        return ignoreMerges;
    }

    List<String> split(String text) {
        List<int[]> spans = new ArrayList<>();
        spans.add(new int[]{0, text.length()});
        for (Pattern p : patterns) {
            Matcher m = p.matcher(text);
            List<int[]> next = new ArrayList<>(spans.size() * 2);
            for (int[] span : spans) {
                int pos = span[0];
                m.region(span[0], span[1]);
                while (m.find()) {
                    if (m.end() == m.start()) {
                        continue;
                    }
                    if (m.start() > pos) {
                        next.add(new int[]{pos, m.start()});
                    }
                    next.add(new int[]{m.start(), m.end()});
                    pos = m.end();
                }
                if (pos < span[1]) {
                    next.add(new int[]{pos, span[1]});
                }
            }
            spans = next;
        }
        List<String> words = new ArrayList<>(spans.size());
        for (int[] s : spans) {
            words.add(text.substring(s[0], s[1]));
        }
        return words;
    }
}
