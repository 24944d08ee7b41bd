package io.quantarena.core.cli;

import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixFiles;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ImatrixCommandTest {

    private static String shared(String name) {
        return SharedAssets.path(name).toString();
    }

    @Test
    void writesAnImatrixThatQuantizeUsesForLowBitTypes(@TempDir Path dir) throws Exception {
        String out = dir.resolve("tiny.dat").toString();
        MainTest.Result r = MainTest.run("imatrix", "-m", shared("models/tiny-llama-bf16.gguf"), "-f", shared("data/calibration.txt"),
                "-c", "64", "--chunks", "3", "-t", "2", "-o", out);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("computing over 3 chunks with n_ctx=64").containsPattern("\\[3]\\d+\\.\\d{4},")
                .contains("Final estimate: PPL = ").contains("stored collected data after 3 chunks in " + out + " (42 entries");

        Imatrix im = ImatrixFiles.read(Path.of(out));
        assertThat(im.size()).isEqualTo(42);
        assertThat(im.chunkCount()).isEqualTo(3);
        assertThat(im.entries()).allSatisfy(e -> assertThat(e.ncall()).isEqualTo(3));
        assertThat(im.find("blk.5.ffn_down.weight").orElseThrow().size()).isEqualTo(768);

        MainTest.Result plan = MainTest.run("quantize", "--dry-run", "--imatrix", out, shared("models/tiny-llama-bf16.gguf"), "IQ2_XXS");
        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("imatrix: " + out + " (42 entries, 3 chunks, dataset ").containsPattern("blk\\.0\\.ffn_up\\.weight .* iq2_xxs .*\\[imatrix]");
    }

    @Test
    void refusesMissingArgumentsAndTooShortTexts(@TempDir Path dir) {
        MainTest.Result noText = MainTest.run("imatrix", "-m", shared("models/tiny-llama-bf16.gguf"));
        assertThat(noText.code()).isEqualTo(2);
        assertThat(noText.err()).contains("a calibration text is required (-f TEXT)");

        MainTest.Result shortText = MainTest.run("imatrix", "-m", shared("models/tiny-llama-bf16.gguf"), "-f",
                shared("data/calibration.txt"), "-c", "200000", "-o", dir.resolve("x.dat").toString());
        assertThat(shortText.code()).isEqualTo(1);
        assertThat(shortText.err()).contains("you need at least 400000 tokens for a context of 200000");
        assertThat(dir.resolve("x.dat")).doesNotExist();
    }
}
