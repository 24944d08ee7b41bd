package io.quantarena.evalworker;

import java.util.Locale;

/**
 * What base log-probabilities depend on: the base model's content, the dataset's content, the chunk
 * length and the number of chunks. Equal keys name the same artifact.
 */
public record BaseLogitsKey(String modelName, String modelSha256, String datasetSha256, int nCtx, int chunks) {

    /** The artifact's path inside the model store. */
    public String relativePath() {
        String model = modelName.replaceAll("[^A-Za-z0-9._-]", "_");
        return String.format(Locale.ROOT, "base-logits/%s/%s-%s-c%d-n%d.kld", model.startsWith(".") ? "_" + model : model,
                modelSha256.substring(0, 16), datasetSha256.substring(0, 16), nCtx, chunks);
    }
}
