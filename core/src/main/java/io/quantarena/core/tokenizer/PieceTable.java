package io.quantarena.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The bytes each token decodes to, precomputed. Normal tokens are decoded by the vocabulary-specific
 * function; byte tokens ({@code <0xNN>}) give their byte; user-defined tokens their text; control and
 * unknown tokens their text only when special tokens are rendered; unused ones nothing.
 */
final class PieceTable {

    private static final byte[] EMPTY = new byte[0];

    private final byte[][] plain;
    private final byte[][] rendered;

    PieceTable(Vocabulary vocab, Function<String, byte[]> decodeNormal) {
        int n = vocab.size();
        plain = new byte[n][];
        rendered = new byte[n][];
        for (int id = 0; id < n; id++) {
            String text = vocab.token(id);
            byte[] raw = text.getBytes(StandardCharsets.UTF_8);
            byte[] p = switch (vocab.tokenType(id)) {
                case NORMAL -> decodeNormal.apply(text);
                case BYTE -> new byte[]{(byte) byteTokenValue(text, id)};
                case USER_DEFINED -> raw;
                case CONTROL, UNKNOWN, UNUSED, UNDEFINED -> EMPTY;
            };
            plain[id] = p;
            TokenType t = vocab.tokenType(id);
            rendered[id] = t == TokenType.CONTROL || t == TokenType.UNKNOWN ? raw : p;
        }
    }

    byte[] piece(int id, boolean renderSpecial) {
        if (id < 0 || id >= plain.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + plain.length + ")");
        }
        return (renderSpecial ? rendered : plain)[id].clone();
    }

    /** The byte a {@code <0xNN>} token stands for. */
    static int byteTokenValue(String text, int id) {
        if (text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
            int hi = Character.digit(text.charAt(3), 16);
            int lo = Character.digit(text.charAt(4), 16);
            if (hi >= 0 && lo >= 0) {
                return hi * 16 + lo;
            }
        }
        throw new IllegalArgumentException("byte token " + id + " has text '" + text + "', expected <0xNN>");
    }

    /** The text of a byte token as llama.cpp spells it (upper-case hex). */
    static String byteTokenText(int b) {
        return String.format("<0x%02X>", b);
    }
}
