package io.quantarena.contracts;

import java.util.List;
import java.util.Objects;

/**
 * What a quantize job asks for, in llama-quantize's terms (spec/quantize-tool.md §1): the ftype
 * and the options a request may add to its per-tensor mixture.
 *
 * @param ftype              llama-quantize TYPE name, e.g. {@code Q4_K_M}
 * @param customQ            {@code --custom-q} rules {@code regex=type}, one per element, first match wins
 * @param tokenEmbeddingType {@code --token-embedding-type} (a ggml type name), or null
 * @param outputTensorType   {@code --output-tensor-type}, or null
 * @param pure               {@code --pure}: every quantized tensor gets the ftype's base type
 * @param overrideKv         {@code --override-kv KEY=TYPE:VALUE} entries
 */
public record QuantRecipe(String ftype, List<String> customQ, String tokenEmbeddingType, String outputTensorType,
                          boolean pure, List<String> overrideKv) {

    public QuantRecipe {
        Objects.requireNonNull(ftype, "ftype");
        customQ = customQ == null ? List.of() : List.copyOf(customQ);
        overrideKv = overrideKv == null ? List.of() : List.copyOf(overrideKv);
    }

    /** Just the ftype with its default mixture. */
    public static QuantRecipe of(String ftype) {
        return new QuantRecipe(ftype, List.of(), null, null, false, List.of());
    }
}
