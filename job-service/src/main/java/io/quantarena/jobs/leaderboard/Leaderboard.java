package io.quantarena.jobs.leaderboard;

import io.quantarena.jobs.models.Model;
import io.quantarena.jobs.models.ModelRepository;
import io.quantarena.jobs.web.ApiException;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The leaderboard read model: per base model, the reference rows (the base model) and every quant's rows. */
@Service
public class Leaderboard {

    private final ModelRepository models;
    private final QuantRepository quants;
    private final BaseModelFacts baseFacts;

    public Leaderboard(ModelRepository models, QuantRepository quants, BaseModelFacts baseFacts) {
        this.models = models;
        this.quants = quants;
        this.baseFacts = baseFacts;
    }

    /**
     * @param reference   the base model's rows (origin {@code base}), one per evaluation setting
     * @param paretoFront evaluation ids of the rows on the size-versus-mean-KLD Pareto front
     */
    public record ModelBoard(Model model, List<QuantRow> reference, List<QuantRow> quants, List<Long> paretoFront) {

        /** The size-versus-KLD chart of the rows with a KL-divergence. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public String chartSvg() {
            Map<Long, SizeKldChart.Point> points = new LinkedHashMap<>();
            for (QuantRow r : rows()) {
                if (r.evaluation() != null && r.evaluation().kldMean() != null) {
                    points.put(r.evaluation().id(), new SizeKldChart.Point(r.name(), r.sizeGiB(), r.evaluation().kldMean(),
                            "base".equals(r.origin())));
                }
            }
            Set<SizeKldChart.Point> front = new HashSet<>();
            paretoFront.forEach(id -> front.add(points.get(id)));
            return SizeKldChart.svg(new ArrayList<>(points.values()), front);
        }

        /** Each quant once (a quant evaluated with several settings has several rows). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public List<QuantRow> distinctQuants() {
            Map<Long, QuantRow> byId = new LinkedHashMap<>();
            quants.forEach(q -> byId.putIfAbsent(q.id(), q));
            return List.copyOf(byId.values());
        }

        /** The reference rows, then the quant rows (the page's two table bodies). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public List<List<QuantRow>> parts() {
            return List.of(reference, quants);
        }

        @com.fasterxml.jackson.annotation.JsonIgnore
        public List<QuantRow> rows() {
            List<QuantRow> all = new ArrayList<>(reference);
            all.addAll(quants);
            return all;
        }
    }

    /** Every model's board, or only {@code modelName}'s (404 when unknown). */
    public List<ModelBoard> boards(String modelName) {
        List<Model> selected = modelName == null || modelName.isBlank() ? models.findAll()
                : List.of(models.findByName(modelName).orElseThrow(() -> ApiException.notFound("Model",
                "no base model named '" + modelName + "' (GET /api/models lists them)")));
        return selected.stream().map(this::board).toList();
    }

    private ModelBoard board(Model m) {
        BaseModelFacts.Facts facts = baseFacts.of(m);
        List<QuantRow> reference = new ArrayList<>();
        List<QuantRow.EvaluationSummary> baseEvaluations = quants.baseEvaluations(m.id());
        if (baseEvaluations.isEmpty()) {
            reference.add(referenceRow(m, facts, null));
        }
        baseEvaluations.forEach(e -> reference.add(referenceRow(m, facts, e)));
        List<QuantRow> rows = quants.findByModel(m.id());
        List<QuantRow> measured = new ArrayList<>();
        for (List<QuantRow> part : List.of(reference, rows)) {
            part.stream().filter(r -> r.evaluation() != null && r.evaluation().kldMean() != null).forEach(measured::add);
        }
        List<Long> front = ParetoFront.of(measured, QuantRow::sizeGiB, r -> r.evaluation().kldMean()).stream()
                .map(r -> r.evaluation().id()).toList();
        return new ModelBoard(m, reference, rows, front);
    }

    private static QuantRow referenceRow(Model m, BaseModelFacts.Facts facts, QuantRow.EvaluationSummary evaluation) {
        return new QuantRow(0, null, m.name() + "-" + facts.ftype(), facts.ftype(), "base model (reference)",
                m.fileBytes(), facts.bitsPerWeight(), m.fileName(), m.sha256(), "base", null, m.registeredAt(), evaluation);
    }
}
