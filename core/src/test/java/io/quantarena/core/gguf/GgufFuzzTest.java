package io.quantarena.core.gguf;

import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Mutated and truncated headers of a real model either parse into a consistent header or fail
 * with {@link GgufFormatException}; never another exception, an OOM or a hang.
 */
class GgufFuzzTest {

    static final int MUTATION_CASES = 3000;
    static final int TRUNCATION_CASES = 400;
    /** Values that stress length and count fields. */
    static final long[] INTERESTING = {0, 1, 2, 4, 5, 9, 12, 13, 31, 32, 33, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffffL,
            0x80000000L, 0xffffffffL, 1L << 32, Long.MAX_VALUE, -1L, -32L};

    @Test
    @Timeout(120) // hang guard only
    void mutatedHeadersOpenConsistentlyOrFailCleanly() throws Exception {
        byte[] model = Files.readAllBytes(SharedAssets.path("models/tiny-llama-bf16.gguf"));
        GgufHeader original = GgufHeader.parse(MemorySegment.ofArray(model), "original", 0);
        int headerEnd = (int) original.dataOffset();
        MemorySegment whole = MemorySegment.ofArray(model);
        Random rnd = new Random(0x6775_6766L);
        int opened = 0;
        int rejected = 0;
        Set<String> distinctFields = new HashSet<>();
        for (int c = 0; c < MUTATION_CASES; c++) {
            // mostly the first 4 KiB (magic, counts, hparams, start of the vocabulary), sometimes anywhere in the header
            int span = rnd.nextInt(10) < 7 ? 4096 : headerEnd;
            int edits = 1 + rnd.nextInt(4);
            int[] at = new int[edits];
            byte[][] saved = new byte[edits][];
            for (int e = 0; e < edits; e++) {
                int width = switch (rnd.nextInt(4)) {
                    case 0 -> 1;
                    case 1 -> 4;
                    case 2 -> 8;
                    default -> 0; // bit flip
                };
                at[e] = rnd.nextInt(span - 8);
                saved[e] = java.util.Arrays.copyOfRange(model, at[e], at[e] + 8);
                if (width == 0) {
                    model[at[e]] ^= (byte) (1 << rnd.nextInt(8));
                } else {
                    long v = rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)] : rnd.nextLong();
                    for (int i = 0; i < width; i++) {
                        model[at[e] + i] = (byte) (v >>> (8 * i));
                    }
                }
            }
            if (checkOne(whole, "mutation " + c)) {
                opened++;
            } else {
                rejected++;
            }
            for (int e = edits - 1; e >= 0; e--) {
                System.arraycopy(saved[e], 0, model, at[e], 8);
            }
        }
        for (int c = 0; c < TRUNCATION_CASES; c++) {
            long len = rnd.nextInt(3) == 0 ? rnd.nextLong(model.length) : rnd.nextInt(headerEnd + 64);
            if (checkOne(whole.asSlice(0, len), "truncation to " + len)) {
                opened++;
            } else {
                rejected++;
            }
        }
        // both outcomes must actually occur for the test to mean anything
        assertThat(opened).isGreaterThan(100);
        assertThat(rejected).isGreaterThan(100);
    }

    /** True when the bytes parse (and the result is consistent), false on GgufFormatException. */
    private static boolean checkOne(MemorySegment file, String what) {
        GgufHeader h;
        try {
            h = GgufHeader.parse(file, "fuzz.gguf", 0);
        } catch (GgufFormatException e) {
            assertThat(e.getMessage()).as(what).startsWith("fuzz.gguf: ");
            assertThat(e.field()).as(what).isNotBlank();
            return false;
        } catch (Throwable t) {
            fail(what + ": unexpected " + t, t);
            return false;
        }
        assertThat(h.dataOffset() % h.alignment()).as(what).isZero();
        Set<String> names = new HashSet<>();
        for (GgufTensorInfo t : h.tensors()) {
            assertThat(names.add(t.name())).as(what + " unique " + t.name()).isTrue();
            assertThat(t.elementCount()).as(what).isPositive();
            long start = h.absoluteOffset(t);
            assertThat(start).as(what).isGreaterThanOrEqualTo(h.dataOffset());
            assertThat(start + t.byteSize()).as(what + " " + t).isLessThanOrEqualTo(file.byteSize());
            file.asSlice(start, t.byteSize()); // in bounds
        }
        return true;
    }
}
