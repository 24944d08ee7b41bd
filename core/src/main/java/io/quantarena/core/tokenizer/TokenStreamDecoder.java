package io.quantarena.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns a stream of token ids into text as it arrives (for streaming generation): byte tokens are
 * buffered until they complete a UTF-8 sequence, so no replacement characters appear mid-character.
 * Not thread-safe; one per stream.
 */
public final class TokenStreamDecoder {

    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private final int bos;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean stripLeadingSpace;
    private boolean first = true;

    /**
     * @param atStartOfText  the stream starts a text (not a continuation of a prompt): then, for vocabularies
     *                       with a dummy space prefix, the leading space of the first token after an optional
     *                       BOS is removed, as SentencePiece decoding does
     * @param renderSpecial  emit the texts of control tokens such as {@code <s>}
     */
    public TokenStreamDecoder(Tokenizer tokenizer, boolean atStartOfText, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
        this.bos = tokenizer.vocabulary().specialIds().bos();
        this.stripLeadingSpace = atStartOfText && tokenizer.vocabulary().addSpacePrefix();
    }

    /** Appends one token; returns the text completed by it (possibly empty). */
    public String append(int id) {
        appendBytes(id, pending);
        return drainComplete();
    }

    /** Writes the bytes of token {@code id} to {@code sink}, applying the leading-space rule. */
    void appendBytes(int id, ByteArrayOutputStream sink) {
        byte[] piece = tokenizer.piece(id, renderSpecial);
        boolean leadingBos = first && id == bos;
        first = false;
        int from = 0;
        if (stripLeadingSpace && !leadingBos) {
            stripLeadingSpace = false;
            if (piece.length > 0 && piece[0] == ' ') {
                from = 1;
            }
        }
        sink.write(piece, from, piece.length - from);
    }

    /** Returns what is still buffered (an incomplete UTF-8 sequence comes out as U+FFFD). */
    public String finish() {
        String s = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return s;
    }

    private String drainComplete() {
        byte[] buf = pending.toByteArray();
        int end = completePrefixLength(buf);
        if (end == 0) {
            return "";
        }
        pending.reset();
        pending.write(buf, end, buf.length - end);
        return new String(buf, 0, end, StandardCharsets.UTF_8);
    }

    /** Length of {@code buf} without a trailing UTF-8 sequence that more bytes could still complete. */
    static int completePrefixLength(byte[] buf) {
        int n = buf.length;
        // a sequence is at most 4 bytes: look back at most 3 bytes for its lead byte
        for (int back = 1; back <= Math.min(3, n); back++) {
            int b = buf[n - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead
            }
            int need = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b < 0xF0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}
