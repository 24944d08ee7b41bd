package io.quantarena.core.tokenizer;

/** Text to token ids and back, for one GGUF vocabulary. Implementations are thread-safe. */
public interface Tokenizer {

    Vocabulary vocabulary();

    /**
     * Tokenizes {@code text}.
     *
     * @param addBos       add the vocabulary's automatic special tokens, as llama.cpp's {@code add_special}:
     *                     BOS in front if {@code tokenizer.ggml.add_bos_token}, EOS at the end if
     *                     {@code add_eos_token}
     * @param parseSpecial match control (and unknown) token texts in {@code text} and emit them as single ids;
     *                     user-defined tokens are matched either way
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /**
     * The bytes one token stands for (not necessarily complete UTF-8: byte tokens are single bytes).
     * Control and unknown tokens give their text only when {@code renderSpecial}, else nothing.
     */
    byte[] piece(int id, boolean renderSpecial);

    /**
     * The text of {@code ids} without special-token texts; for vocabularies with a dummy space prefix the
     * leading space of the first token after an optional BOS is removed, so that decode(encode(s)) == s.
     */
    default String decode(int[] ids) {
        TokenStreamDecoder decoder = new TokenStreamDecoder(this, true, false);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            decoder.appendBytes(id, bytes);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Number of tokens. */
    default int size() {
        return vocabulary().size();
    }
}
