package io.quantarena.jobs.jobs;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
public class FtypeController {

    private final SupportedFtypes ftypes;

    public FtypeController(SupportedFtypes ftypes) {
        this.ftypes = ftypes;
    }

    /** The ftypes a quantize job accepts, with the loader's description and whether they need an imatrix. */
    @GetMapping("/api/ftypes")
    public List<SupportedFtypes.Option> list() {
        return ftypes.options();
    }
}
