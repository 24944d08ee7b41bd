package io.quantarena.core.recipe;

import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.tensor.GgmlType;

import java.util.Objects;

/**
 * One setting of a {@link Recipe}, named the way llama-quantize's command line names it: the
 * ftype, a {@code --custom-q} rule, a type option such as {@code --token-embedding-type}, an
 * {@code --override-kv}, or the {@code --imatrix}. Errors and plans point at the setting
 * responsible, so a service can name its own field for it.
 *
 * @param option {@link #FTYPE}, {@link #CUSTOM_Q}, {@link #OVERRIDE_KV}, {@link #IMATRIX} or a
 *               {@link TypeOption#cliName()}
 * @param value  the rule or value as written, e.g. {@code attn=q8_0}, {@code Q4_K_M}, {@code q8_0}
 */
public record RecipeSetting(String option, String value) {

    public static final String FTYPE = "ftype";
    public static final String CUSTOM_Q = "--custom-q";
    public static final String OVERRIDE_KV = "--override-kv";
    public static final String IMATRIX = "--imatrix";

    public RecipeSetting {
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(value, "value");
    }

    public static RecipeSetting ftype(LlamaFileType ftype) {
        return new RecipeSetting(FTYPE, ftype.quantizeName() != null ? ftype.quantizeName() : Integer.toString(ftype.value()));
    }

    public static RecipeSetting customRule(CustomQuantRule rule) {
        return new RecipeSetting(CUSTOM_Q, rule.text());
    }

    public static RecipeSetting typeOption(TypeOption option, GgmlType type) {
        return new RecipeSetting(option.cliName(), type.typeName());
    }

    @Override
    public String toString() {
        return option.equals(FTYPE) ? "ftype " + value : option + " '" + value + "'";
    }
}
