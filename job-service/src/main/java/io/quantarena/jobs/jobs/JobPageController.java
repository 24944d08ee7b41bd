package io.quantarena.jobs.jobs;

import io.quantarena.jobs.web.ApiException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

import java.util.UUID;

/** One job's page: status, progress and (evaluations) the chunk count and running perplexity, refreshed live. */
@Controller
public class JobPageController {

    private final JobRepository jobs;

    public JobPageController(JobRepository jobs) {
        this.jobs = jobs;
    }

    @GetMapping("/jobs/{id}")
    public String page(@PathVariable UUID id, Model view) {
        view.addAttribute("job", jobs.findById(id).orElseThrow(() -> ApiException.notFound("Job", "no job with id " + id)));
        view.addAttribute("metrics", jobs.metrics(id));
        view.addAttribute("events", jobs.events(id));
        return "job";
    }
}
