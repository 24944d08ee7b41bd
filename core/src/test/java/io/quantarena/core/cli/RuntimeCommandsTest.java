package io.quantarena.core.cli;

import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeCommandsTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String model(String name) {
        return SharedAssets.path(name).toString();
    }

    @Test
    void perplexityWritesTheBaseFileAndKlDivergenceReadsIt(@TempDir Path dir) {
        String base = dir.resolve("base.kld").toString();
        Run ppl = run("perplexity", "-m", model("models/tiny-llama-bf16.gguf"), "-f", model("data/wiki.test.raw"),
                "--chunks", "2", "-t", "2", "--kl-divergence-base", base);
        assertThat(ppl.code()).as(ppl.err()).isZero();
        assertThat(ppl.out()).contains("[1]84.7").contains("[2]75.5")
                .containsPattern("Final estimate: PPL over 2 chunks for n_ctx=512 = 75\\.5\\d{3} \\+/- \\d+\\.\\d{5}");

        Run kld = run("perplexity", "-m", model("reference/quants/tiny-llama-Q8_0.gguf"), "--kl-divergence-base", base,
                "--kl-divergence", "-t", "2");
        assertThat(kld.code()).as(kld.err()).isZero();
        assertThat(kld.out()).contains("ln(PPL(Q)/PPL(base))").contains("====== Perplexity statistics ======")
                .contains("Mean    KLD:").contains("Same top p:").containsPattern("\\n   2     +75\\.\\d{4} ± ");
    }

    @Test
    void generatePrintsTheContinuationAndTimings() {
        Run g = run("generate", "-m", model("models/tiny-llama-bf16.gguf"), "-p", "The history of the city", "-n", "12",
                "--temp", "0", "-t", "2");
        assertThat(g.code()).as(g.err()).isZero();
        assertThat(g.out()).startsWith("The history of the city, and the people of the United States")
                .contains("prompt eval time =").contains("tokens per second").contains("eval time =")
                .contains("sampling: greedy");
    }

    @Test
    void usageErrorsAreOneLineWithExitCode2() {
        Run r = run("perplexity", "-f", "x.txt");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("a model is required");
        Run bad = run("generate", "-m", "m.gguf", "-p", "x", "--override-kv", "k=long:1");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("invalid type 'long'");
        Run kld = run("perplexity", "-m", "m.gguf", "--kl-divergence");
        assertThat(kld.code()).isEqualTo(2);
        assertThat(kld.err()).contains("--kl-divergence needs --kl-divergence-base FILE");
    }
}
