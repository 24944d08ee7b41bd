package io.quantarena.core.tokenizer;

/**
 * GPT-2's reversible byte-to-character mapping used by byte-level BPE vocabularies: printable bytes
 * ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves, the other 68 bytes map in order to U+0100 onwards
 * (so the space 0x20 becomes 'Ġ' U+0120 and '\n' becomes 'Ċ' U+010A).
 */
final class ByteLevelMapping {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevelMapping() {
    }

    /** The mapped string of the UTF-8 bytes {@code utf8[from, to)}: one char per byte. */
    static String encode(byte[] utf8, int from, int to) {
        char[] c = new char[to - from];
        for (int i = from; i < to; i++) {
            c[i - from] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        }
        return new String(c);
    }

    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a mapped char stands for, or -1 if {@code c} is not a mapped char. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }
}
