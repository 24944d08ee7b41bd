package io.quantarena.jobs.directories;

import io.quantarena.contracts.files.DataDirectories;
import io.quantarena.contracts.files.MissingDirectoryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The yml defaults and the start-up failure of every service: dev-cluster's ServiceDirectoriesTest. */
class DirectoriesTest {

    @Test
    void unsetDirectoriesFallBackToTheQuantarenaHome() {
        DirectoryProperties p = new DirectoryProperties(null, " ", null);
        assertThat(p.modelsDir()).isEqualTo(DataDirectories.defaultModelsDir());
        assertThat(p.storeDir()).isEqualTo(DataDirectories.defaultStoreDir());
        assertThat(p.datasetsDir()).isEqualTo(DataDirectories.defaultDatasetsDir());
    }

    @Test
    void theModelsMustExistTheDatasetsMayNotAndTheStoreIsCreated(@TempDir Path tmp) throws IOException {
        Path models = Files.createDirectory(tmp.resolve("models"));
        Directories d = new Directories(new DirectoryProperties(models.resolve("../models").toString(),
                tmp.resolve("x/store").toString(), tmp.resolve("no-datasets").toString()));
        assertThat(d.models()).isEqualTo(models);
        assertThat(d.store()).isEqualTo(tmp.resolve("x/store")).isDirectory();
        assertThat(d.datasets()).isEqualTo(tmp.resolve("no-datasets")).doesNotExist();

        String missing = tmp.resolve("no-models").toString();
        assertThatThrownBy(() -> new Directories(new DirectoryProperties(missing, tmp.resolve("store").toString(), null)))
                .isInstanceOf(MissingDirectoryException.class)
                .hasMessageContaining("quantarena.models-dir is '" + missing + "'").hasMessageContaining("base models");
    }
}
