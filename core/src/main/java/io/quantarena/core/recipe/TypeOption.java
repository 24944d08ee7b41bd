package io.quantarena.core.recipe;

/**
 * llama-quantize's per-tensor-kind type options (spec/quantize-tool.md §1), each naming a ggml
 * type. Where each applies is in {@link TensorTypePlanner}.
 */
public enum TypeOption {
    TOKEN_EMBEDDING("--token-embedding-type"),
    OUTPUT("--output-tensor-type"),
    PER_LAYER_TOKEN_EMBEDDING("--per-layer-token-embedding-type"),
    FFN_GATE_INP("--ffn-gate-inp-type"),
    ATTN_Q("--attn-q-type"),
    ATTN_K("--attn-k-type"),
    ATTN_V("--attn-v-type"),
    ATTN_OUTPUT("--attn-output-type"),
    FFN_GATE("--ffn-gate-type"),
    FFN_DOWN("--ffn-down-type"),
    FFN_UP("--ffn-up-type");

    private final String cliName;

    TypeOption(String cliName) {
        this.cliName = cliName;
    }

    /** The command-line option, e.g. {@code --token-embedding-type}. */
    public String cliName() {
        return cliName;
    }
}
