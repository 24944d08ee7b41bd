package io.quantarena.core.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pre-tokenizer given as regexes that apply in turn, each to the pieces of the previous one; text
 * between matches stays a piece of its own (as in llama.cpp). {@code \s} is Unicode white space.
 * Slower than {@link ScanningPreTokenizer}; used where no scanner exists.
 */
record RegexPreTokenizer(String name, boolean ignoreMerges, List<Pattern> patterns) implements BpePreTokenizer {

    RegexPreTokenizer(String name, boolean ignoreMerges, String... regexes) {
        this(name, ignoreMerges, java.util.Arrays.stream(regexes)
                .map(r -> Pattern.compile(r, Pattern.UNICODE_CHARACTER_CLASS)).toList());
    }

    @Override
    public List<String> split(String text) {
        List<int[]> spans = new ArrayList<>();
        spans.add(new int[]{0, text.length()});
        for (Pattern p : patterns) {
            Matcher m = p.matcher(text);
            List<int[]> next = new ArrayList<>(spans.size() * 2);
            for (int[] span : spans) {
                int pos = span[0];
                m.region(span[0], span[1]); // opaque bounds: the piece is matched as a string of its own
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
