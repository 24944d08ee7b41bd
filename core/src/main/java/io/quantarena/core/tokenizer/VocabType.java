package io.quantarena.core.tokenizer;

/** The tokenizer algorithm a vocabulary is meant for ({@code tokenizer.ggml.model}). */
public enum VocabType {
    /** {@code llama}: SentencePiece pieces with scores, byte fallback, U+2581 for spaces. */
    SPM("llama"),
    /** {@code gpt2}: byte-level BPE with ranked merges and a regex pre-tokenizer. */
    BPE("gpt2");

    private final String ggufName;

    VocabType(String ggufName) {
        this.ggufName = ggufName;
    }

    public String ggufName() {
        return ggufName;
    }

    public static VocabType byGgufName(String name) {
        for (VocabType t : values()) {
            if (t.ggufName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("tokenizer.ggml.model '" + name
                + "' is not supported; expected 'llama' (SentencePiece) or 'gpt2' (byte-level BPE)");
    }
}
