package io.quantarena.core.tokenizer;

import io.quantarena.core.testsupport.SharedAssets;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * Prints encode/decode throughput on wiki.test.raw for the shared vocabularies (a measurement, not a test):
 * {@code java -cp core/target/classes:core/target/test-classes io.quantarena.core.tokenizer.TokenizerThroughput}.
 * Times are this thread's CPU time (the build machine is shared). The first pass is cold (empty word cache, JIT warming up); later passes show the steady state.
 */
public final class TokenizerThroughput {

    private TokenizerThroughput() {
    }

    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    public static void main(String[] args) {
        String text = SharedAssets.text("data/wiki.test.raw");
        double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
        for (String file : new String[]{"models/tiny-llama-bf16.gguf", "tokenizers/ggml-vocab-llama-spm.gguf",
                "tokenizers/bpe-llama4-4k.gguf"}) {
            long t0 = System.nanoTime();
            Tokenizer t = TestVocabularies.tokenizer(file);
            System.out.printf("%s: load %.0f ms%n", file, (System.nanoTime() - t0) / 1e6);
            for (int pass = 0; pass < 6; pass++) {
                long a = cpu();
                int[] ids = t.encode(text, true, true);
                long b = cpu();
                String back = t.decode(ids);
                long c = cpu();
                System.out.printf("  pass %d: %d tokens, encode %.1f MB/s, decode %.1f MB/s, round trip %s%n", pass, ids.length,
                        mb / ((b - a) / 1e9), mb / ((c - b) / 1e9), back.equals(text));
            }
        }
    }
}
