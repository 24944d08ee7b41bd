package io.quantarena.jobs.leaderboard;

import io.quantarena.jobs.web.ApiException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/quants")
public class QuantController {

    private final QuantRepository quants;

    public QuantController(QuantRepository quants) {
        this.quants = quants;
    }

    @GetMapping("/{id}")
    public QuantDetail get(@PathVariable long id) {
        return quants.findById(id).orElseThrow(() -> ApiException.notFound("Quant", "no quant with id " + id));
    }
}
