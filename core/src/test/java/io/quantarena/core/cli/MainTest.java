package io.quantarena.core.cli;

import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void ggufInfoPrintsMetadataTensorsAndTotals() {
        String model = SharedAssets.path("models/tiny-llama-bf16.gguf").toString();
        Result r = run("gguf-info", model);
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .contains("metadata: 24 keys")
                .containsPattern("1  STRING +1  general.architecture +=  \"llama\"".replace("=  ", "= "))
                .containsPattern("\\[STRING] +4096  tokenizer.ggml.tokens += \\[\"<unk>\", \"<s>\", \"</s>\", \"<0x00>\", \"<0x01>\", \\.\\.\\.]")
                .contains("tensors: 57")
                .containsPattern("0  token_embd.weight +256 x 4096 +bf16 +2,097,152 +0")
                .containsPattern("1  output_norm.weight +256 +f32 +1,024 +2,097,152")
                .contains("totals: 57 tensors, ")
                .contains("types: f32 x 13, bf16 x 44");
        // 13 f32 norms of 256 + 44 bf16 matrices; bits/weight follows from the byte and param totals
        assertThat(r.out()).containsPattern("params, 13,\\d{3},\\d{3} bytes \\(\\d+\\.\\d\\d MiB\\), 1[67]\\.\\d{4} bits/weight");

        Result brief = run("gguf-info", model, "--no-tensors");
        assertThat(brief.code()).isZero();
        assertThat(brief.out()).doesNotContain("tensors: 57").doesNotContain("blk.0.attn_q.weight").contains("totals: 57 tensors");
    }

    @Test
    void errorsAreOneLineWithNonZeroExit() throws Exception {
        Result none = run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("gguf-info");

        Result unknown = run("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("quantarena: unknown command 'frobnicate' (commands: gguf-info, quantize")
                .contains("perplexity", "generate", "bench-kernels", "synth", "bench");

        Result missingArg = run("gguf-info");
        assertThat(missingArg.code()).isEqualTo(2);
        assertThat(missingArg.err().lines()).hasSize(1).first().asString().contains("missing argument: expected FILE");

        Result badOption = run("gguf-info", "x.gguf", "--tensors-only");
        assertThat(badOption.code()).isEqualTo(2);
        assertThat(badOption.err()).contains("unknown option '--tensors-only'").contains("--no-tensors");

        Result missingFile = run("gguf-info", tmp.resolve("nope.gguf").toString());
        assertThat(missingFile.code()).isEqualTo(1);
        assertThat(missingFile.err().lines()).hasSize(1).first().asString().contains("file not found").contains("nope.gguf");

        Path corrupt = tmp.resolve("corrupt.gguf");
        byte[] head = Arrays.copyOf(Files.readAllBytes(SharedAssets.path("models/tiny-llama-bf16.gguf")), 1000);
        Files.write(corrupt, head);
        Result bad = run("gguf-info", corrupt.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().lines()).hasSize(1).first().asString().contains("corrupt.gguf").contains("header n_tensors").contains("57").contains("truncated");
        assertThat(bad.out()).isEmpty();
    }

    @Test
    void helpListsCommands() {
        Result r = run("help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("gguf-info").contains("usage: quantarena COMMAND");
        assertThat(run("gguf-info", "--help").out()).isEqualTo("usage: quantarena gguf-info FILE [--no-tensors]" + System.lineSeparator());
    }
}
