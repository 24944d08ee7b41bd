package io.quantarena.jobs.evaluations;

import io.quantarena.jobs.jobs.Job;
import io.quantarena.jobs.jobs.JobService;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;

@RestController
public class EvaluationController {

    private final EvaluationJobs evaluations;
    public EvaluationController(EvaluationJobs evaluations) {
        this.evaluations = evaluations;
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
}
