package io.quantarena.jobs.jobs;

import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.recipe.TensorQuantRules;
import io.quantarena.core.recipe.TensorTypePlanner;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The ftypes a quantize job may ask for: llama-quantize names whose base type this build can
 * encode (every codec but the trellis {@code *_KT} and the row-interleaved {@code _R4/_R8} types).
 * Whether a request's whole mixture can run is checked per request against the model's plan.
 */
@Component
public class SupportedFtypes {

    /** One accepted ftype, as the job form lists it. */
    public record Option(String name, String description, boolean needsImatrix) {
    }

    public List<String> names() {
        return supported().map(LlamaFileType::quantizeName).toList();
    }

    public List<Option> options() {
        return supported().map(f -> new Option(f.quantizeName(), f.printedName(), TensorTypePlanner.requiresImatrix(f))).toList();
    }

    /** The supported ftype of that llama-quantize name (aliases such as Q4_K included), empty when unknown or not supported. */
    public Optional<LlamaFileType> find(String name) {
        return LlamaFileType.isQuantizeName(name) ? Optional.of(LlamaFileType.fromQuantizeName(name)).filter(SupportedFtypes::supported)
                : Optional.empty();
    }

    private static java.util.stream.Stream<LlamaFileType> supported() {
        return Arrays.stream(LlamaFileType.values()).filter(SupportedFtypes::supported);
    }

    private static boolean supported(LlamaFileType f) {
        return f.quantizeName() != null && QuantCodecs.isSupported(f.baseType())
                && TensorQuantRules.interleavedRows(f.baseType()) == 1;
    }
}
