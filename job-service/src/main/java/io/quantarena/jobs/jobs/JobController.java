package io.quantarena.jobs.jobs;

import io.quantarena.jobs.web.ApiException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

@RestController
@RequestMapping("/api/jobs")
public class JobController {

    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final JobService service;
    private final JobRepository jobs;

    public JobController(JobService service, JobRepository jobs) {
        this.service = service;
        this.jobs = jobs;
    }

    @PostMapping("/quantize")
    public ResponseEntity<Job> quantize(@RequestBody(required = false) QuantizeJobRequest request,
                                        @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key) {
        JobService.Submitted submitted = service.submitQuantize(request, key);
        return ResponseEntity.accepted()
                .location(URI.create("/api/jobs/" + submitted.job().id()))
                .header("Idempotent-Replayed", Boolean.toString(!submitted.created()))
                .body(submitted.job());
    }

    @PostMapping("/imatrix")
    public ResponseEntity<Job> imatrix(@RequestBody(required = false) ImatrixJobRequest request,
                                       @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key) {
        JobService.Submitted submitted = service.submitImatrix(request, key);
        return ResponseEntity.accepted()
                .location(URI.create("/api/jobs/" + submitted.job().id()))
                .header("Idempotent-Replayed", Boolean.toString(!submitted.created()))
                .body(submitted.job());
    }

    @GetMapping("/{id}")
    public Job get(@PathVariable UUID id) {
        return jobs.findById(id).orElseThrow(() -> ApiException.notFound("Job", "no job with id " + id));
    }

    @GetMapping("/{id}/events")
    public List<JobEventView> events(@PathVariable UUID id) {
        get(id);
        return jobs.events(id);
    }

    @GetMapping
    public List<Job> list(@RequestParam(required = false) String status, @RequestParam(required = false) String type,
                          @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ApiException.invalidField("limit", "limit must be 1..1000, got " + limit, Map.of());
        }
        return jobs.find(parse("status", status, JobStatus.class), parse("type", type, JobType.class), limit);
    }

    @DeleteMapping("/{id}")
    public Job cancel(@PathVariable UUID id, @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key) {
        return service.cancel(id, key);
    }

    private static <E extends Enum<E>> E parse(String field, String value, Class<E> type) {
        if (value == null || value.isBlank()) {
            return null;
        }
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
        String upper = value.trim().toUpperCase(Locale.ROOT);
        if (!allowed.contains(upper)) {
            throw ApiException.invalidField(field, "unknown " + field + " '" + value + "'; allowed: "
                    + String.join(", ", allowed), Map.of("allowed", allowed));
        }
        return Enum.valueOf(type, upper);
    }
}
