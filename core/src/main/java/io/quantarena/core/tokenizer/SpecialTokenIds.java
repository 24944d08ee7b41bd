package io.quantarena.core.tokenizer;

/**
 * Ids of the tokens with a role; {@link #NONE} (-1) where the vocabulary has none.
 * {@code sep} is stored in GGUF under the misspelled key {@code tokenizer.ggml.seperator_token_id}.
 */
public record SpecialTokenIds(int bos, int eos, int unk, int sep, int pad, int eot, int eom) {

    public static final int NONE = -1;

    /** llama.cpp's defaults for SentencePiece vocabularies when the GGUF keys are absent. */
    public static SpecialTokenIds spmDefaults() {
        return new SpecialTokenIds(1, 2, 0, NONE, NONE, NONE, NONE);
    }

    /** llama.cpp's defaults for byte-level BPE (GPT-2) vocabularies when the GGUF keys are absent. */
    public static SpecialTokenIds bpeDefaults() {
        return new SpecialTokenIds(11, 11, NONE, NONE, NONE, NONE, NONE);
    }
}
