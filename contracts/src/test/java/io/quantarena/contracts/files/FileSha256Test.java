package io.quantarena.contracts.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FileSha256Test {

    @Test
    void matchesTheStandardTestVectors(@TempDir Path tmp) throws IOException {
        assertThat(FileSha256.of(Files.writeString(tmp.resolve("abc"), "abc", StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(FileSha256.of(Files.write(tmp.resolve("empty"), new byte[0])))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void hashesFilesLongerThanItsBuffer(@TempDir Path tmp) throws IOException {
        // one million 'a' (a standard vector) plus a second buffer's worth, read in 1 MiB pieces
        byte[] a = new byte[1_000_000];
        java.util.Arrays.fill(a, (byte) 'a');
        assertThat(FileSha256.of(Files.write(tmp.resolve("million-a"), a)))
                .isEqualTo("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        byte[] big = new byte[(1 << 20) * 2 + 17];
        assertThat(FileSha256.of(Files.write(tmp.resolve("big"), big))).hasSize(64).isNotEqualTo(FileSha256.of(tmp.resolve("million-a")));
    }
}
