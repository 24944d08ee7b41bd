package io.quantarena.core.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written scanners equivalent to the GPT-2, Llama-3 and Llama-4 / GPT-4o pre-tokenizer regexes
 * (several times faster than java.util.regex on them). Each method below reproduces the first match a
 * backtracking regex engine finds for one alternative; the regexes, with {@code \s} = Unicode White_Space:
 * <pre>
 * GPT2:   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * LLAMA3: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*
 *         |\s*[\r\n]+|\s+(?!\S)|\s+
 * LLAMA4: [^\r\n\p{L}\p{N}]?U*L+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?U+L*(?i:...)?
 *         |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
 *         with U = [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], L = [\p{Ll}\p{Lm}\p{Lo}\p{M}]
 * </pre>
 * ((?i:) is applied to ASCII letters only, as llama.cpp spells it out.)
 */
record ScanningPreTokenizer(String name, boolean ignoreMerges, Style style) implements BpePreTokenizer {

    enum Style { GPT2, LLAMA3, LLAMA4 }

    private static final int NO_MATCH = -1;

    @Override
    public List<String> split(String text) {
        List<String> words = new ArrayList<>(text.length() / 4 + 1);
        int end = text.length();
        int i = 0;
        while (i < end) {
            int e = switch (style) {
                case GPT2 -> matchGpt2(text, i, end);
                case LLAMA3 -> matchLlama3(text, i, end);
                case LLAMA4 -> matchLlama4(text, i, end);
            };
            words.add(text.substring(i, e));
            i = e;
        }
        return words;
    }

    // ---- one match at i, returning its end ----

    private static int matchGpt2(String s, int i, int end) {
        int k = contraction(s, i, end, false);
        if (k != NO_MATCH) {
            return k;
        }
        int c = s.codePointAt(i);
        int afterSpace = c == ' ' && i + 1 < end ? s.codePointAt(i + 1) : -1;
        if (afterSpace >= 0 && isLetter(afterSpace)) {
            return runLetters(s, i + 1, end);
        }
        if (isLetter(c)) {
            return runLetters(s, i, end);
        }
        if (afterSpace >= 0 && isNumber(afterSpace)) {
            return runNumbers(s, i + 1, end, Integer.MAX_VALUE);
        }
        if (isNumber(c)) {
            return runNumbers(s, i, end, Integer.MAX_VALUE);
        }
        if (afterSpace >= 0 && isOther(afterSpace)) {
            return runOther(s, i + 1, end);
        }
        if (isOther(c)) {
            return runOther(s, i, end);
        }
        return spaceRun(s, i, end);
    }

    private static int matchLlama3(String s, int i, int end) {
        int k = contraction(s, i, end, true);
        if (k != NO_MATCH) {
            return k;
        }
        int c = s.codePointAt(i);
        int next = i + Character.charCount(c);
        if (isPrefix(c) && next < end && isLetter(s.codePointAt(next))) {
            return runLetters(s, next, end);
        }
        if (isLetter(c)) {
            return runLetters(s, i, end);
        }
        if (isNumber(c)) {
            return runNumbers(s, i, end, 3);
        }
        int e = punctuation(s, i, end, false);
        return e != NO_MATCH ? e : whitespace(s, i, end);
    }

    private static int matchLlama4(String s, int i, int end) {
        int c = s.codePointAt(i);
        int next = i + Character.charCount(c);
        int e;
        if (isPrefix(c) && (e = casedWordLowerTail(s, next, end)) != NO_MATCH) {
            return e;
        }
        if ((e = casedWordLowerTail(s, i, end)) != NO_MATCH) {
            return e;
        }
        if (isPrefix(c) && (e = casedWordUpperHead(s, next, end)) != NO_MATCH) {
            return e;
        }
        if ((e = casedWordUpperHead(s, i, end)) != NO_MATCH) {
            return e;
        }
        if (isNumber(c)) {
            return runNumbers(s, i, end, 3);
        }
        e = punctuation(s, i, end, true);
        return e != NO_MATCH ? e : whitespace(s, i, end);
    }

    /** {@code U*L+C?} from j. */
    private static int casedWordLowerTail(String s, int j, int end) {
        int u = j;
        int lastLowerish = NO_MATCH; // start of the last code point in U* that L could also match
        while (u < end) {
            int c = s.codePointAt(u);
            if (!isUpperish(c)) {
                break;
            }
            if (isLowerish(c)) {
                lastLowerish = u;
            }
            u += Character.charCount(c);
        }
        int e;
        if (u < end && isLowerish(s.codePointAt(u))) {
            e = u;
            while (e < end) {
                int c = s.codePointAt(e);
                if (!isLowerish(c)) {
                    break;
                }
                e += Character.charCount(c);
            }
        } else if (lastLowerish != NO_MATCH) {
            // U* gives back code points until L+ can take one; the one it takes is followed by a non-L
            e = lastLowerish + Character.charCount(s.codePointAt(lastLowerish));
        } else {
            return NO_MATCH;
        }
        int k = contraction(s, e, end, true);
        return k != NO_MATCH ? k : e;
    }

    /** {@code U+L*C?} from j. */
    private static int casedWordUpperHead(String s, int j, int end) {
        int u = j;
        while (u < end) {
            int c = s.codePointAt(u);
            if (!isUpperish(c)) {
                break;
            }
            u += Character.charCount(c);
        }
        if (u == j) {
            return NO_MATCH;
        }
        int e = u;
        while (e < end) {
            int c = s.codePointAt(e);
            if (!isLowerish(c)) {
                break;
            }
            e += Character.charCount(c);
        }
        int k = contraction(s, e, end, true);
        return k != NO_MATCH ? k : e;
    }

    /** {@code " ?[^\s\p{L}\p{N}]+[\r\n]*"}, or with {@code withSlash} {@code [\r\n/]*} at the end. */
    private static int punctuation(String s, int i, int end, boolean withSlash) {
        int j = i;
        if (s.charAt(i) == ' ' && i + 1 < end && isOther(s.codePointAt(i + 1))) {
            j = i + 1;
        } else if (!isOther(s.codePointAt(i))) {
            return NO_MATCH;
        }
        int e = runOther(s, j, end);
        while (e < end && (s.charAt(e) == '\r' || s.charAt(e) == '\n' || (withSlash && s.charAt(e) == '/'))) {
            e++;
        }
        return e;
    }

    /** {@code \s*[\r\n]+|\s+(?!\S)|\s+} at a white-space character (or one code point if none applies). */
    private static int whitespace(String s, int i, int end) {
        int w = i;
        int lastNewline = NO_MATCH;
        while (w < end && isSpace(s.charAt(w))) {
            if (s.charAt(w) == '\r' || s.charAt(w) == '\n') {
                lastNewline = w;
            }
            w++; // White_Space is all in the BMP
        }
        if (w == i) {
            return i + Character.charCount(s.codePointAt(i)); // unreachable: every other class matched earlier
        }
        if (lastNewline != NO_MATCH) {
            // \s* gives back characters until [\r\n]+ can start; it starts at the last newline of the run
            return lastNewline + 1;
        }
        return spaceRunEnd(i, w, end);
    }

    /** {@code \s+(?!\S)|\s+} at i (GPT-2's last alternatives; a lone unmatched space is a piece of its own). */
    private static int spaceRun(String s, int i, int end) {
        int w = i;
        while (w < end && isSpace(s.charAt(w))) {
            w++;
        }
        if (w == i) {
            return i + Character.charCount(s.codePointAt(i));
        }
        return spaceRunEnd(i, w, end);
    }

    /** The white-space run [i, w): all of it at the end of the text, else all but its last character. */
    private static int spaceRunEnd(int i, int w, int end) {
        return w == end || w - i == 1 ? w : w - 1;
    }

    /** The end of a contraction ('s 't 're 've 'm 'll 'd) at i, or NO_MATCH. */
    private static int contraction(String s, int i, int end, boolean anyCase) {
        if (i + 1 >= end || s.charAt(i) != '\'') {
            return NO_MATCH;
        }
        char a = s.charAt(i + 1);
        char b = i + 2 < end ? s.charAt(i + 2) : 0;
        if (anyCase) {
            a = asciiLower(a);
            b = asciiLower(b);
        }
        return switch (a) {
            case 's', 't', 'm', 'd' -> i + 2;
            case 'r', 'v' -> b == 'e' ? i + 3 : NO_MATCH;
            case 'l' -> b == 'l' ? i + 3 : NO_MATCH;
            default -> NO_MATCH;
        };
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    private static int runLetters(String s, int j, int end) {
        while (j < end) {
            int c = s.codePointAt(j);
            if (!isLetter(c)) {
                break;
            }
            j += Character.charCount(c);
        }
        return j;
    }

    private static int runNumbers(String s, int j, int end, int max) {
        for (int n = 0; j < end && n < max; n++) {
            int c = s.codePointAt(j);
            if (!isNumber(c)) {
                break;
            }
            j += Character.charCount(c);
        }
        return j;
    }

    private static int runOther(String s, int j, int end) {
        while (j < end) {
            int c = s.codePointAt(j);
            if (!isOther(c)) {
                break;
            }
            j += Character.charCount(c);
        }
        return j;
    }

    // ---- character classes ----

    static boolean isLetter(int c) {
        return c < 0x80 ? (c | 0x20) >= 'a' && (c | 0x20) <= 'z' : Character.isLetter(c);
    }

    static boolean isNumber(int c) {
        if (c < 0x80) {
            return c >= '0' && c <= '9';
        }
        int t = Character.getType(c);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** Unicode White_Space (what {@code \s} means in Unicode mode). */
    static boolean isSpace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x80 && (c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000));
    }

    /** {@code [^\s\p{L}\p{N}]}. */
    static boolean isOther(int c) {
        return !isSpace(c) && !isLetter(c) && !isNumber(c);
    }

    /** {@code [^\r\n\p{L}\p{N}]}: the optional character before a word. */
    static boolean isPrefix(int c) {
        return c != '\r' && c != '\n' && !isLetter(c) && !isNumber(c);
    }

    static boolean isUpperish(int c) {
        if (c < 0x80) {
            return c >= 'A' && c <= 'Z';
        }
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.TITLECASE_LETTER, Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                 Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK -> true;
            default -> false;
        };
    }

    static boolean isLowerish(int c) {
        if (c < 0x80) {
            return c >= 'a' && c <= 'z';
        }
        return switch (Character.getType(c)) {
            case Character.LOWERCASE_LETTER, Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                 Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK -> true;
            default -> false;
        };
    }
}
