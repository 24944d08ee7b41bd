package io.quantarena.core.imatrix;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads either imatrix format, told apart by the GGUF magic; writes the legacy one. */
public final class ImatrixFiles {

    private static final byte[] GGUF_MAGIC = {'G', 'G', 'U', 'F'};

    private ImatrixFiles() {
    }

    public static Imatrix read(Path path) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, 4);
        }
        if (n == 4 && java.util.Arrays.equals(head, GGUF_MAGIC)) {
            return GgufImatrixFormat.read(path);
        }
        return LegacyImatrixFormat.read(path);
    }

    /** Writes llama-imatrix's legacy format, which ik's llama-quantize reads. */
    public static void write(Imatrix im, Path path) throws IOException {
        LegacyImatrixFormat.write(im, path);
    }
}
