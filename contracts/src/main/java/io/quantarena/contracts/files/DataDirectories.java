package io.quantarena.contracts.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The directories the services share: base models, datasets and the model store. Unless set one by one
 * ({@code quantarena.models-dir}, {@code quantarena.datasets-dir}, {@code quantarena.store-dir}) they lie
 * under one home directory: {@code QUANTARENA_HOME}, else {@code ~/.quantarena}. Each service's
 * {@code <name>.yml} states the same defaults; this class is the fallback when a property is unset and the
 * start-up check that turns a wrong directory into one clear message instead of a failing job later.
 */
public final class DataDirectories {

    /** Environment variable (Spring property {@code quantarena.home}) that moves every default directory. */
    public static final String HOME_VARIABLE = "QUANTARENA_HOME";
    public static final String MODELS_PROPERTY = "quantarena.models-dir";
    public static final String DATASETS_PROPERTY = "quantarena.datasets-dir";
    public static final String STORE_PROPERTY = "quantarena.store-dir";

    private DataDirectories() {
    }

    /** {@code QUANTARENA_HOME} when set, else {@code ~/.quantarena}; absolute. */
    public static Path home() {
        String env = System.getenv(HOME_VARIABLE);
        Path home = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".quantarena");
        return home.toAbsolutePath().normalize();
    }

    public static String defaultModelsDir() {
        return home().resolve("models").toString();
    }

    public static String defaultDatasetsDir() {
        return home().resolve("datasets").toString();
    }

    public static String defaultStoreDir() {
        return home().resolve("store").toString();
    }

    /** {@code value}, or {@code fallback} when it is null or blank (an unset property). */
    public static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    /**
     * The directory a service cannot work without, absolute.
     *
     * @param expected what belongs there, e.g. "the base models (*.gguf)"
     * @throws MissingDirectoryException naming the property, its value and what was expected
     */
    public static Path requireExisting(String property, String value, String expected) {
        Path dir = absolute(property, value);
        if (!Files.isDirectory(dir)) {
            throw new MissingDirectoryException(message(property, value, dir, expected));
        }
        return dir;
    }

    /**
     * For a directory a service can start without (some requests fail until it exists): the warning to log
     * when it does not exist, naming the property, its value and what was expected.
     */
    public static Optional<String> missingWarning(String property, String value, String expected) {
        Path dir = absolute(property, value);
        return Files.isDirectory(dir) ? Optional.empty() : Optional.of(message(property, value, dir, expected));
    }

    /** The model store, absolute, created with its parents when missing (an existing one may be read-only). */
    public static Path createStore(String property, String value) {
        Path dir = absolute(property, value);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MissingDirectoryException(property + " is '" + value + "' (" + dir + "), which cannot be created ("
                    + e + "); expected a writable directory for the model store. Set " + property + " (environment "
                    + environmentName(property) + ") or " + HOME_VARIABLE + ".");
        }
    }

    /** Absolute and normalised; a blank value is refused naming the property. */
    public static Path absolute(String property, String value) {
        if (value == null || value.isBlank()) {
            throw new MissingDirectoryException(property + " is empty; expected a directory path");
        }
        return Path.of(value).toAbsolutePath().normalize();
    }

    /** Spring's environment-variable form of a property: {@code quantarena.models-dir} is {@code QUANTARENA_MODELSDIR}. */
    static String environmentName(String property) {
        return property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static String message(String property, String value, Path dir, String expected) {
        String shown = Path.of(value).isAbsolute() ? "'" + value + "'" : "'" + value + "' (" + dir + ")";
        return property + " is " + shown + ", which is not an existing directory; expected " + expected
                + ". Set " + property + " (environment " + environmentName(property) + ") or " + HOME_VARIABLE
                + " to a directory that holds them.";
    }
}
