package io.quantarena.jobs.imatrix;

import io.quantarena.jobs.models.ModelRepository;
import io.quantarena.jobs.web.ApiException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping("/api/imatrices")
public class ImatrixController {

    private final ImatrixRepository imatrices;
    private final ModelRepository models;

    public ImatrixController(ImatrixRepository imatrices, ModelRepository models) {
        this.imatrices = imatrices;
        this.models = models;
    }

    /** Importance matrices in the store, newest first; {@code model} filters by base model. */
    @GetMapping
    public List<ImatrixRow> list(@RequestParam(required = false) String model) {
        if (model == null || model.isBlank()) {
            return imatrices.list(null);
        }
        long id = models.findByName(model).orElseThrow(() -> ApiException.notFound("Model",
                "no base model named '" + model + "' (GET /api/models lists them)")).id();
        return imatrices.list(id);
    }
}
