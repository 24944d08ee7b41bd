package io.quantarena.jobs.evaluations;

import io.quantarena.jobs.jobs.Job;
import io.quantarena.jobs.jobs.JobService;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;

@RestController
public class EvaluationController {

    private final EvaluationJobs evaluations;
    private final Datasets datasets;

    public EvaluationController(EvaluationJobs evaluations, Datasets datasets) {
        this.evaluations = evaluations;
        this.datasets = datasets;
    }

    @PostMapping("/api/jobs/evaluate")
    public ResponseEntity<Job> evaluate(@RequestBody(required = false) EvaluateJobRequest request,
                                        @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        JobService.Submitted submitted = evaluations.submit(request, key);
        return ResponseEntity.accepted()
                .location(URI.create("/api/jobs/" + submitted.job().id()))
                .header("Idempotent-Replayed", Boolean.toString(!submitted.created()))
                .body(submitted.job());
    }

    /** The dataset names an evaluate request may use. */
    @GetMapping("/api/datasets")
    public List<String> datasets() {
        return datasets.names();
    }
}
