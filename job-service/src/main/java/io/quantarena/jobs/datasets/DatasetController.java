package io.quantarena.jobs.datasets;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** {@code GET /api/datasets}: the texts imatrix and evaluate requests may name, with their sizes. */
@RestController
public class DatasetController {

    private final DatasetCatalog datasets;

    public DatasetController(DatasetCatalog datasets) {
        this.datasets = datasets;
    }

    @GetMapping("/api/datasets")
    public List<DatasetCatalog.Dataset> list() {
        return datasets.list();
    }
}
