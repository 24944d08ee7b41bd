package io.quantarena.jobs.directories;

import io.quantarena.contracts.files.DataDirectories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Path;

/**
 * job-service's directories, checked once at start-up: the models directory must exist (start-up fails
 * naming the property and value otherwise), a missing datasets directory is a warning (imatrix and evaluate
 * requests then find no texts), the store is created. Every user of a directory takes it from here, so
 * none runs before the check.
 */
@Component
public class Directories {

    private static final Logger log = LoggerFactory.getLogger(Directories.class);

    private final Path models;
    private final Path store;
    private final Path datasets;

    public Directories(DirectoryProperties properties) {
        this.models = DataDirectories.requireExisting(DataDirectories.MODELS_PROPERTY, properties.modelsDir(),
                "the base models (*.gguf files) to register");
        DataDirectories.missingWarning(DataDirectories.DATASETS_PROPERTY, properties.datasetsDir(),
                        "the calibration and evaluation texts (e.g. wiki.test.raw); imatrix and evaluate requests are refused until it exists")
                .ifPresent(log::warn);
        this.datasets = DataDirectories.absolute(DataDirectories.DATASETS_PROPERTY, properties.datasetsDir());
        this.store = DataDirectories.createStore(DataDirectories.STORE_PROPERTY, properties.storeDir());
    }

    /** Base models, absolute. */
    public Path models() {
        return models;
    }

    /** The model store, absolute; exists. */
    public Path store() {
        return store;
    }

    /** Datasets, absolute; may not exist. */
    public Path datasets() {
        return datasets;
    }
}
