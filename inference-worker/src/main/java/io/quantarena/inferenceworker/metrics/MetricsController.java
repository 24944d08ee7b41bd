package io.quantarena.inferenceworker.metrics;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /metrics} in the Prometheus text format (as llama-server's). */
@RestController
public class MetricsController {

    private final ServingMetrics metrics;

    public MetricsController(ServingMetrics metrics) {
        this.metrics = metrics;
    }

    @GetMapping(path = "/metrics", produces = "text/plain; version=0.0.4; charset=utf-8")
    public String metrics() {
        return metrics.scrape();
    }
}
