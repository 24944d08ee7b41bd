package io.quantarena.core.gguf;

import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.quantarena.core.gguf.HeaderBytes.gguf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Each malformed header fails with a GgufFormatException naming the file, the field and the value. */
class GgufHostileInputTest {

    static final int F32 = 0;
    static final int Q8_0 = 8;
    static final int STRING = GgufValueType.STRING.id();
    static final int ARRAY = GgufValueType.ARRAY.id();

    @TempDir
    Path tmp;

    static GgufFormatException fails(byte[] file) {
        GgufFormatException e = catchThrowableOfType(GgufFormatException.class,
                () -> GgufHeader.parse(MemorySegment.ofArray(file), "evil.gguf", 0));
        assertThat(e).as("expected a GgufFormatException").isNotNull();
        assertThat(e.getMessage()).startsWith("evil.gguf: ");
        return e;
    }

    static void assertFails(byte[] file, String field, String... valueParts) {
        GgufFormatException e = fails(file);
        assertThat(e.field()).isEqualTo(field);
        for (String p : valueParts) {
            assertThat(e.getMessage()).contains(p);
        }
    }

    @Test
    void validMinimalFileParses() throws Exception {
        byte[] ok = gguf(3, 1, 1).kvU32("a.b", 7).tensor("w", new long[]{64, 2}, Q8_0, 0).data(136).bytes();
        GgufHeader h = GgufHeader.parse(MemorySegment.ofArray(ok), "ok.gguf", 0);
        assertThat(h.tensors().getFirst().byteSize()).isEqualTo(136);
        assertThat(h.metadata().getInt("a.b")).isEqualTo(7);
    }

    @Test
    void badMagicAndVersion() {
        byte[] b = gguf(3, 0, 0).bytes();
        b[0] = 'X';
        assertFails(b, "header magic", "not GGUF");
        assertFails(gguf(1, 0, 0).bytes(), "header version", "1", "GGUFv1");
        assertFails(gguf(4, 0, 0).bytes(), "header version", "4", "expected 2 or 3");
        assertFails(new byte[3], "header magic", "needs 4 bytes");
    }

    @Test
    void absurdCountsAndLengths() {
        assertFails(gguf(3, Long.MAX_VALUE, 0).bytes(), "header n_tensors", "9223372036854775807");
        assertFails(gguf(3, 0, -1).bytes(), "header n_kv", "18446744073709551615");
        assertFails(gguf(3, 0, 1).u64(1L << 40).raw(new byte[16]).bytes(), "kv[0] key length", "1099511627776");
        assertFails(gguf(3, 0, 1).str("k").u32(STRING).u64(1_000_000).raw(new byte[8]).bytes(),
                "kv[0] 'k' value bytes", "1000000");
        assertFails(gguf(3, 0, 1).str("k").u32(ARRAY).u32(GgufValueType.FLOAT32.id()).u64(1L << 60).raw(new byte[64]).bytes(),
                "kv[0] 'k' array count", "1152921504606846976");
        assertFails(gguf(3, 0, 1).str("k").u32(ARRAY).u32(STRING).u64(2).str("a").u64(-1).bytes(),
                "kv[0] 'k'[1] bytes", "18446744073709551615");
    }

    @Test
    void unknownTypesAndNestedArrays() {
        assertFails(gguf(3, 0, 1).str("k").u32(13).u32(0).bytes(), "kv[0] 'k' value_type", "13");
        assertFails(gguf(3, 0, 1).str("k").u32(ARRAY).u32(99).u64(0).bytes(), "kv[0] 'k' array element type", "99");
        assertFails(gguf(3, 0, 1).str("k").u32(ARRAY).u32(ARRAY).u64(1).u32(0).u64(0).bytes(),
                "kv[0] 'k' array element type", "nested");
        assertFails(gguf(3, 1, 0).tensor("w", new long[]{32}, 4, 0).data(64).bytes(), "tensor[0] 'w' type", "4");
        assertFails(gguf(3, 0, 1).str("flag").u32(GgufValueType.BOOL.id()).u8(2).bytes(), "kv[0] 'flag' value", "2");
    }

    @Test
    void duplicateNames() {
        assertFails(gguf(3, 0, 2).kvU32("a", 1).kvU32("a", 2).bytes(), "kv[1] 'a'", "duplicate key 'a'");
        assertFails(gguf(3, 2, 0).tensor("w", new long[]{8}, F32, 0).tensor("w", new long[]{8}, F32, 32).data(64).bytes(),
                "tensor[1] 'w' name", "duplicate tensor name 'w'");
    }

    @Test
    void badDimensions() {
        assertFails(gguf(3, 1, 0).tensor("w", new long[]{1, 1, 1, 1, 1}, F32, 0).data(32).bytes(), "tensor[0] 'w' n_dims", "5", "1..4");
        assertFails(gguf(3, 1, 0).tensor("w", new long[]{}, F32, 0).data(32).bytes(), "tensor[0] 'w' n_dims", "0");
        assertFails(gguf(3, 1, 0).tensor("w", new long[]{4, 0}, F32, 0).data(32).bytes(), "tensor[0] 'w' ne[1]", "0");
        assertFails(gguf(3, 1, 0).tensor("w", new long[]{-4}, F32, 0).data(32).bytes(), "tensor[0] 'w' ne[0]", "18446744073709551612");
        assertFails(gguf(3, 1, 0).tensor("w", new long[]{40, 2}, Q8_0, 0).data(256).bytes(), "tensor[0] 'w' ne[0]", "40", "80 elements", "block size 32", "q8_0");
        assertFails(gguf(3, 1, 0).tensor("w", new long[]{1L << 40, 1L << 40}, F32, 0).data(32).bytes(), "tensor[0] 'w' ne", "overflow");
    }

    @Test
    void offsetsPastTheEndOrMisaligned() {
        assertFails(gguf(3, 1, 0).tensor("w", new long[]{8}, F32, 32).data(32).bytes(), "tensor[0] 'w' offset", "32 + 32", "past the end");
        assertFails(gguf(3, 1, 0).tensor("w", new long[]{8}, F32, -32).data(32).bytes(), "tensor[0] 'w' offset", "18446744073709551584");
        assertFails(gguf(3, 1, 0).tensor("w", new long[]{8}, F32, 4).data(64).bytes(), "tensor[0] 'w' offset", "4", "alignment 32");
        assertFails(gguf(3, 1, 0).tensor("w", new long[]{16}, F32, 0).data(32).bytes(), "tensor[0] 'w' offset", "0 + 64");
    }

    @Test
    void badAlignment() {
        assertFails(gguf(3, 0, 1).kvU32("general.alignment", 48).bytes(), "kv 'general.alignment'", "48", "power of two");
        assertFails(gguf(3, 0, 1).kvU32("general.alignment", 0).bytes(), "kv 'general.alignment'", "0");
        assertFails(gguf(3, 0, 1).str("general.alignment").u32(GgufValueType.UINT64.id()).u64(32).bytes(),
                "kv 'general.alignment'", "UINT64", "expected UINT32");
    }

    @Test
    void truncatedRealModelNamesFileOnOpen() throws Exception {
        byte[] model = Files.readAllBytes(SharedAssets.path("models/tiny-llama-bf16.gguf"));
        for (int len : new int[]{0, 10, 100, 5000, 90_000, model.length - 1}) {
            Path p = tmp.resolve("cut-" + len + ".gguf");
            Files.write(p, Arrays.copyOf(model, len));
            assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(GgufFormatException.class)
                    .hasMessageStartingWith(p.toString() + ": ");
        }
    }
}
