package io.quantarena.core.tokenizer;

/** GGUF {@code tokenizer.ggml.token_type} values (llama.cpp's {@code llama_token_type}). */
public enum TokenType {
    UNDEFINED(0),
    NORMAL(1),
    UNKNOWN(2),
    CONTROL(3),
    USER_DEFINED(4),
    UNUSED(5),
    BYTE(6);

    private final int id;

    TokenType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public static TokenType byId(int id) {
        for (TokenType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new IllegalArgumentException("token type id " + id + " is not one of 0..6");
    }

    /**
     * Tokens that the special-token splitter looks for in raw text (control, user-defined and unknown,
     * as llama.cpp caches them); control and unknown ones only when special parsing is requested.
     */
    boolean isSpecial() {
        return this == CONTROL || this == USER_DEFINED || this == UNKNOWN;
    }
}
