package io.quantarena.quantworker;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.recipe.ModelQuantizer;
import io.quantarena.core.recipe.QuantPlan;
import io.quantarena.core.recipe.QuantizeJob;
import io.quantarena.core.recipe.QuantizeProgress;
import io.quantarena.core.recipe.TensorTypePlanner;
import org.springframework.stereotype.Component;

import java.io.IOException;

/** Plans the recipe with core's {@link TensorTypePlanner} and runs the plan with its {@link ModelQuantizer}. */
@Component
public class CoreModelQuantization implements ModelQuantization {

    @Override
    public Quantized quantize(QuantizeJob job, QuantizeProgress progress) throws IOException {
        try (GgufFile in = GgufFile.open(job.input())) {
            QuantPlan plan = TensorTypePlanner.plan(in, job.recipe(), job.imatrix());
            ModelQuantizer quantizer = new ModelQuantizer();
            return new Quantized(plan, quantizer.run(in, plan, job.imatrix(), job.output(), job.effectiveThreads(), progress));
        }
    }
}
