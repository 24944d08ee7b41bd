package io.quantarena.jobs.serve;

import io.quantarena.jobs.jobs.Job;
import io.quantarena.jobs.jobs.JobRepository;
import io.quantarena.jobs.jobs.JobService;
import io.quantarena.jobs.jobs.JobStatus;
import io.quantarena.jobs.jobs.JobType;
import io.quantarena.jobs.web.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

/** Batch serve jobs: {@code POST /api/jobs/serve} and the result, {@code GET /api/jobs/{id}/result}. */
@RestController
@RequestMapping("/api/jobs")
public class ServeJobController {

    private final ServeJobService service;
    private final JobRepository jobs;
    private final ServeResultRepository results;

    public ServeJobController(ServeJobService service, JobRepository jobs, ServeResultRepository results) {
        this.service = service;
        this.jobs = jobs;
        this.results = results;
    }

    @PostMapping("/serve")
    public ResponseEntity<Job> serve(@RequestBody(required = false) ServeJobRequest request,
                                     @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        JobService.Submitted submitted = service.submit(request, key);
        return ResponseEntity.accepted()
                .location(URI.create("/api/jobs/" + submitted.job().id()))
                .header("Idempotent-Replayed", Boolean.toString(!submitted.created()))
                .body(submitted.job());
    }

    @GetMapping("/{id}/result")
    public ServeJobResult result(@PathVariable UUID id) {
        Job job = jobs.findById(id).orElseThrow(() -> ApiException.notFound("Job", "no job with id " + id));
        if (job.type() != JobType.SERVE) {
            throw ApiException.notFound("Result", "job " + id + " is a " + job.type() + " job; results here are for SERVE jobs");
        }
        return results.find(id).orElseThrow(() -> new ApiException(HttpStatus.CONFLICT, "No result yet",
                "job " + id + " is " + job.status() + (job.status() == JobStatus.FAILED ? ": " + job.error() : "")
                        + "; a result exists once it has SUCCEEDED", Map.of("status", job.status().name())));
    }
}
