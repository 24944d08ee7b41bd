package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.tensor.GgmlType;

import java.util.Objects;

/**
 * What happens to one tensor.
 *
 * @param source       the input tensor
 * @param targetType   its type in the output
 * @param reason       why it gets that type, e.g. {@code Q4_K_M rules}, {@code custom rule 'attn=q8_0'},
 *                     {@code not quantized: norm}
 * @param imatrixEntry the importance-matrix entry used when quantizing it, or null
 * @param chosenBy     the recipe setting that decided the type (the ftype, a custom rule, a type
 *                     option), or null for tensors that are never quantized
 */
public record PlannedTensor(GgufTensorInfo source, GgmlType targetType, String reason, String imatrixEntry,
                            RecipeSetting chosenBy) {

    public PlannedTensor {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(targetType, "targetType");
        Objects.requireNonNull(reason, "reason");
    }

    public String name() {
        return source.name();
    }

    /** Whether the data are converted (else copied verbatim). */
    public boolean convert() {
        return targetType != source.type();
    }

    /** Output data bytes: ne1·ne2·ne3 rows of the target type's row size. */
    public long bytes() {
        return GgufTensorInfo.byteSize(targetType, source.ne());
    }

    /** The output tensor info (offset 0). */
    public GgufTensorInfo target() {
        return GgufTensorInfo.of(source.name(), source.ne(), targetType, 0, 0);
    }
}
