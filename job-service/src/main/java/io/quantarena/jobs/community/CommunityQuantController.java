package io.quantarena.jobs.community;

import io.quantarena.jobs.web.ApiException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import java.net.URI;
import java.util.Map;

/** Community quants: {@code POST /api/models/{base}/quants} (upload or store path); the quant is then served by {@code GET /api/quants/{id}}. */
@RestController
public class CommunityQuantController {

    private final CommunityQuants community;

    public CommunityQuantController(CommunityQuants community) {
        this.community = community;
    }

    /** multipart/form-data: the GGUF as part {@code file}, the other fields as form fields. */
    @PostMapping(path = "/api/models/{base}/quants", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<CommunityQuants.Registered> upload(
            @PathVariable String base, @RequestPart(name = "file", required = false) MultipartFile file,
            @RequestParam(required = false) String author, @RequestParam(required = false) String recipe,
            @RequestParam(required = false) String name, @RequestParam(required = false) Boolean evaluate,
            @RequestParam(required = false) String dataset, @RequestParam(name = "n_ctx", required = false) Integer nCtx,
            @RequestParam(required = false) Integer chunks,
            @RequestParam(name = "kl_divergence", required = false) Boolean klDivergence) {
        return created(community.upload(base, file, new CommunityQuantRequest(null, author, recipe, name, evaluate,
                dataset, nCtx, chunks, klDivergence)));
    }

    /** application/json: a file already in the model store, by {@code store_path}. */
    @PostMapping(path = "/api/models/{base}/quants", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<CommunityQuants.Registered> register(@PathVariable String base,
                                                               @RequestBody(required = false) CommunityQuantRequest request) {
        if (request == null) {
            throw ApiException.invalidField("body", "a JSON body with 'store_path', 'author' and 'recipe' is required", Map.of());
        }
        return created(community.registerStored(base, request));
    }

    private static ResponseEntity<CommunityQuants.Registered> created(CommunityQuants.Registered registered) {
        return ResponseEntity.created(URI.create("/api/quants/" + registered.quant().id())).body(registered);
    }
}
