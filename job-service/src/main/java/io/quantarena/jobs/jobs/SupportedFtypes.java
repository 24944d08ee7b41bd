package io.quantarena.jobs.jobs;

import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.recipe.Ftype;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The ftypes a quantize job may ask for: those whose base type core can encode without an importance
 * matrix (quantize jobs do not take one yet).
 */
@Component
public class SupportedFtypes {

    public List<String> names() {
        return Arrays.stream(Ftype.values()).filter(SupportedFtypes::supported).map(Ftype::name).toList();
    }

    /** The supported ftype of that name, empty when unknown or not (yet) supported. */
    public Optional<Ftype> find(String name) {
        return Ftype.byName(name).filter(SupportedFtypes::supported);
    }

    private static boolean supported(Ftype f) {
        return QuantCodecs.isSupported(f.baseType()) && !QuantCodecs.forType(f.baseType()).requiresImatrix();
    }
}
