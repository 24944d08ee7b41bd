package io.quantarena.jobs.models;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping("/api/models")
public class ModelController {

    private final ModelRepository models;

    public ModelController(ModelRepository models) {
        this.models = models;
    }

    @GetMapping
    public List<Model> list() {
        return models.findAll();
    }
}
