package io.quantarena.quantworker;

import io.quantarena.core.recipe.ModelQuantizer;
import io.quantarena.core.recipe.QuantizeProgress;
import io.quantarena.core.recipe.QuantizeRequest;
import io.quantarena.core.recipe.QuantizeResult;
import org.springframework.stereotype.Component;

import java.io.IOException;

@Component
public class CoreModelQuantization implements ModelQuantization {

    @Override
    public QuantizeResult quantize(QuantizeRequest request, QuantizeProgress progress) throws IOException {
        return new ModelQuantizer().quantize(request, progress);
    }
}
