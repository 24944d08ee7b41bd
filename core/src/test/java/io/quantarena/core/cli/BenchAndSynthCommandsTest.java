package io.quantarena.core.cli;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BenchAndSynthCommandsTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void benchPrintsALlamaBenchTableWithTheBandwidthBound() {
        Run r = run("bench", "-m", SharedAssets.path("models/tiny-llama-bf16.gguf").toString(), "-t", "1,2", "-p", "32",
                "-n", "8", "-r", "2", "--bw-mib", "16");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| model | size | params | backend | threads | test | t/s | best t/s | cores used | read GB/s | bound t/s | % of bound |")
                .containsPattern("\\| llama \\d+M BF16 \\| [\\d.]+ MiB \\| [\\d.]+ M \\| CPU \\| 1 \\| pp32 \\| [\\d.]+ ± [\\d.]+ \\| [\\d.]+ \\| [\\d.]+ \\| - \\| - \\| - \\|")
                .containsPattern("\\| CPU \\| 2 \\| tg8 \\| [\\d.]+ ± [\\d.]+ \\| [\\d.]+ \\| [\\d.]+ \\| [\\d.]+ \\| [\\d.]+ \\| \\d+% \\|")
                .contains("load average");
    }

    @Test
    void synthWritesAShrunkenOneBModel(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("s.gguf");
        Run r = run("synth", "--arch", "llama", "--shape", "1b", "--type", "Q8_0", "--layers", "1", "--vocab", "512",
                "-o", out.toString(), "-t", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("synth: llama 1b in q8_0: 12 tensors").contains("100%").contains("synth: wrote");
        try (GgufFile g = GgufFile.open(out)) {
            assertThat(g.tensor("blk.0.ffn_gate.weight").ne()).containsExactly(2048, 8192);
            assertThat(g.metadata().getLong("llama.attention.head_count_kv")).isEqualTo(8);
            assertThat(g.metadata().getStringArray("tokenizer.ggml.tokens")).hasSize(512);
        }
    }

    @Test
    void usageErrorsNameTheProblem() {
        Run wrongArch = run("synth", "--arch", "llama4", "--shape", "1b", "--type", "Q4_K", "-o", "x.gguf");
        assertThat(wrongArch.code()).isEqualTo(2);
        assertThat(wrongArch.err()).contains("shape 1b is a llama model, not llama4");
        Run noType = run("synth", "--shape", "1b", "-o", "x.gguf");
        assertThat(noType.code()).isEqualTo(2);
        assertThat(noType.err()).contains("--type");
        Run badThreads = run("bench", "-m", "x.gguf", "-t", "0");
        assertThat(badThreads.code()).isEqualTo(2);
        assertThat(badThreads.err()).contains("-t has 0");
        Run nothing = run("bench", "-m", "x.gguf", "-p", "0", "-n", "0");
        assertThat(nothing.code()).isEqualTo(2);
        assertThat(nothing.err()).contains("not both 0");
    }
}
