package io.quantarena.jobs.directories;

import io.quantarena.contracts.files.DataDirectories;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where job-service finds and keeps files ({@code quantarena.*}); job-service.yml sets the defaults, under
 * {@code quantarena.home} ({@code QUANTARENA_HOME}, else {@code ~/.quantarena}). Bound as text: a web
 * application's String-to-Path conversion resolves through the servlet context and refuses some paths.
 *
 * @param modelsDir   base models ({@code *.gguf}), registered at start-up
 * @param storeDir    the model store shared with the workers: imatrix files are read from it to check quantize
 *                    requests, community uploads are written to it
 * @param datasetsDir calibration texts (imatrix jobs) and evaluation texts (evaluate jobs)
 */
@ConfigurationProperties("quantarena")
public record DirectoryProperties(String modelsDir, String storeDir, String datasetsDir) {
    public DirectoryProperties {
        modelsDir = DataDirectories.orDefault(modelsDir, DataDirectories.defaultModelsDir());
        storeDir = DataDirectories.orDefault(storeDir, DataDirectories.defaultStoreDir());
        datasetsDir = DataDirectories.orDefault(datasetsDir, DataDirectories.defaultDatasetsDir());
    }
}
