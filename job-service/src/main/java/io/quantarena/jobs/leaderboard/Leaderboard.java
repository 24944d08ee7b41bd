package io.quantarena.jobs.leaderboard;

import io.quantarena.jobs.models.Model;
import io.quantarena.jobs.models.ModelRepository;
import io.quantarena.jobs.web.ApiException;
import org.springframework.stereotype.Service;

import java.util.List;

/** The leaderboard read model: per base model, its quants. */
@Service
public class Leaderboard {

    private final ModelRepository models;
    private final QuantRepository quants;

    public Leaderboard(ModelRepository models, QuantRepository quants) {
        this.models = models;
        this.quants = quants;
    }

    public record ModelBoard(Model model, List<QuantRow> quants) {
    }

    /** Every model's board, or only {@code modelName}'s (404 when unknown). */
    public List<ModelBoard> boards(String modelName) {
        List<Model> selected = modelName == null || modelName.isBlank() ? models.findAll()
                : List.of(models.findByName(modelName).orElseThrow(() -> ApiException.notFound("Model",
                "no base model named '" + modelName + "' (GET /api/models lists them)")));
        return selected.stream().map(m -> new ModelBoard(m, quants.findByModel(m.id()))).toList();
    }
}
