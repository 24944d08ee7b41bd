package io.quantarena.core.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only reference assets ({@code ../shared} next to the repository root,
 * overridable with the system property or environment variable {@code quantarena.shared} /
 * {@code QUANTARENA_SHARED}).
 */
public final class SharedAssets {

    private SharedAssets() {
    }

    public static Path root() {
        String p = System.getProperty("quantarena.shared");
        if (p == null || p.isBlank()) {
            p = System.getenv("QUANTARENA_SHARED");
        }
        Path root;
        if (p != null && !p.isBlank()) {
            root = Path.of(p);
        } else {
            // surefire runs in the module directory: <repo>/core -> <repo>/../shared
            Path cwd = Path.of("").toAbsolutePath();
            root = Files.isDirectory(cwd.resolve("../shared")) ? cwd.resolve("../shared") : cwd.resolve("../../shared");
        }
        root = root.normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("shared assets not found at " + root
                    + " (set -Dquantarena.shared=/path/to/shared)");
        }
        return root;
    }

    public static Path path(String relative) {
        return root().resolve(relative);
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A little-endian float32 file as an array. */
    public static float[] floats(String relative) {
        byte[] b = bytes(relative);
        float[] out = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    public static String text(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
