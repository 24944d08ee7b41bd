package io.quantarena.contracts.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataDirectoriesTest {

    @Test
    void defaultsAreAbsoluteAndUnderOneHome() {
        Path home = DataDirectories.home();
        assertThat(home).isAbsolute();
        if (System.getenv(DataDirectories.HOME_VARIABLE) == null) {
            assertThat(home).isEqualTo(Path.of(System.getProperty("user.home"), ".quantarena"));
        }
        assertThat(Path.of(DataDirectories.defaultModelsDir())).isEqualTo(home.resolve("models"));
        assertThat(Path.of(DataDirectories.defaultDatasetsDir())).isEqualTo(home.resolve("datasets"));
        assertThat(Path.of(DataDirectories.defaultStoreDir())).isEqualTo(home.resolve("store"));
        assertThat(DataDirectories.orDefault(" ", "x")).isEqualTo("x");
        assertThat(DataDirectories.orDefault("/m", "x")).isEqualTo("/m");
    }

    @Test
    void aMissingRequiredDirectoryNamesThePropertyTheValueAndWhatWasExpected(@TempDir Path tmp) {
        String missing = tmp.resolve("no-such-models").toString();
        assertThatThrownBy(() -> DataDirectories.requireExisting(DataDirectories.MODELS_PROPERTY, missing, "the base models (*.gguf)"))
                .isInstanceOf(MissingDirectoryException.class)
                .hasMessageContaining("quantarena.models-dir is '" + missing + "'")
                .hasMessageContaining("not an existing directory")
                .hasMessageContaining("expected the base models (*.gguf)")
                .hasMessageContaining("QUANTARENA_MODELSDIR").hasMessageContaining("QUANTARENA_HOME");
        // a relative value is shown as given and as resolved
        assertThatThrownBy(() -> DataDirectories.requireExisting(DataDirectories.MODELS_PROPERTY, "../nowhere-xyz/models", "models"))
                .hasMessageContaining("'../nowhere-xyz/models' (" + Path.of("../nowhere-xyz/models").toAbsolutePath().normalize() + ")");
        assertThatThrownBy(() -> DataDirectories.requireExisting(DataDirectories.MODELS_PROPERTY, "", "models"))
                .hasMessageContaining("quantarena.models-dir is empty");
    }

    @Test
    void aFileIsNotADirectory(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("models"), "x");
        assertThatThrownBy(() -> DataDirectories.requireExisting(DataDirectories.MODELS_PROPERTY, file.toString(), "models"))
                .hasMessageContaining(file.toString());
    }

    @Test
    void anExistingDirectoryIsReturnedAbsolute(@TempDir Path tmp) throws IOException {
        Path models = Files.createDirectory(tmp.resolve("models"));
        assertThat(DataDirectories.requireExisting(DataDirectories.MODELS_PROPERTY, models.resolve("../models").toString(), "models"))
                .isEqualTo(models);
        assertThat(DataDirectories.missingWarning(DataDirectories.DATASETS_PROPERTY, models.toString(), "texts")).isEmpty();
    }

    @Test
    void anOptionalMissingDirectoryGivesAWarning(@TempDir Path tmp) {
        String missing = tmp.resolve("datasets").toString();
        assertThat(DataDirectories.missingWarning(DataDirectories.DATASETS_PROPERTY, missing, "the calibration texts"))
                .hasValueSatisfying(w -> assertThat(w).contains("quantarena.datasets-dir is '" + missing + "'")
                        .contains("expected the calibration texts").contains("QUANTARENA_DATASETSDIR"));
    }

    @Test
    void theStoreIsCreatedWithItsParents(@TempDir Path tmp) throws IOException {
        Path store = tmp.resolve("a/b/store");
        assertThat(DataDirectories.createStore(DataDirectories.STORE_PROPERTY, store.toString())).isEqualTo(store).isDirectory();
        // again: already there
        assertThat(DataDirectories.createStore(DataDirectories.STORE_PROPERTY, store.toString())).isEqualTo(store);
        Path file = Files.writeString(tmp.resolve("occupied"), "x");
        assertThatThrownBy(() -> DataDirectories.createStore(DataDirectories.STORE_PROPERTY, file.resolve("store").toString()))
                .isInstanceOf(MissingDirectoryException.class)
                .hasMessageContaining("quantarena.store-dir is '" + file.resolve("store") + "'")
                .hasMessageContaining("cannot be created");
    }
}
