package io.quantarena.evalworker;

import io.quantarena.contracts.KldStatistics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The worker's use of core on the tiny models: two chunks of wiki.test.raw against ik_llama.cpp's numbers. */
class CoreEvaluationTest {

    private static final Path SHARED = Path.of(System.getProperty("quantarena.shared", "../../shared")).toAbsolutePath().normalize();
    private static final Path TINY_LLAMA = SHARED.resolve("models/tiny-llama-bf16.gguf");
    private static String wiki;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readDataset() throws Exception {
        wiki = Files.readString(SHARED.resolve("data/wiki.test.raw"));
    }

    @Test
    void perplexityOverTwoChunksMatchesTheReferenceAndReportsEachChunk() throws Exception {
        int[] tokens = CoreEvaluation.tokenize(TINY_LLAMA, wiki);
        List<String> chunks = new ArrayList<>();

        CoreEvaluation.Measurement m = CoreEvaluation.perplexity(TINY_LLAMA, List.of(), tokens, 512,
                CoreEvaluation.chunkCount(tokens.length, 512, 2), 2,
                (done, total, ppl, kld) -> chunks.add(done + "/" + total + (kld == null ? "" : " kld")));

        assertThat(tokens).hasSize(425_466); // expected.json: wiki_test_tokens
        assertThat(chunks).containsExactly("1/2", "2/2");
        assertThat(m.chunks()).isEqualTo(2);
        assertThat(m.tokensScored()).isEqualTo(2 * 255);
        assertThat(m.ppl()).isCloseTo(75.5666, within(75.5666 * 0.002)); // expected.json: running_ppl after chunk 2
        assertThat(m.pplError()).isPositive();
        assertThat(m.expertUsedCount()).isNull();
        System.out.printf("tiny-llama perplexity: %d tokens in %.2f s = %.0f tokens/s (2 threads)%n", 2 * 512,
                m.seconds(), 2 * 512 / m.seconds());
    }

    @Test
    void theReferenceQ8_0QuantAgainstBaseLogitsOfTheBaseModel() throws Exception {
        int[] tokens = CoreEvaluation.tokenize(TINY_LLAMA, wiki);
        Path baseFile = tmp.resolve("base.kld");
        CoreEvaluation.Measurement base = CoreEvaluation.writeBaseLogits(TINY_LLAMA, tokens, 512, 2, baseFile, 2,
                (done, total, ppl, kld) -> { });
        List<Double> runningKld = new ArrayList<>();

        CoreEvaluation.Measurement q = CoreEvaluation.klDivergence(SHARED.resolve("reference/quants/tiny-llama-Q8_0.gguf"),
                List.of(), baseFile, 2, (done, total, ppl, kld) -> runningKld.add(kld));

        // header, 2·512 tokens, 2·255 records of (n_vocab rounded to even + 4) uint16 words
        assertThat(Files.size(baseFile)).isEqualTo(20 + 4L * 1024 + 2L * 255 * 2 * (4096 + 4));
        assertThat(base.ppl()).isCloseTo(75.5666, within(75.5666 * 0.002));
        assertThat(runningKld).hasSize(2).allMatch(k -> k > 0);
        KldStatistics s = EvaluateJobRunner.statistics(q.kld());
        assertThat(q.tokensScored()).isEqualTo(510);
        assertThat(s.pplBase()).isCloseTo(base.ppl(), within(base.ppl() * 0.002));
        assertThat(q.ppl()).isCloseTo(s.pplBase(), within(s.pplBase() * 0.02));
        assertThat(s.kldMean()).isBetween(1e-6, 0.01);
        assertThat(s.kldMedian()).isLessThanOrEqualTo(s.kldP99()).isLessThanOrEqualTo(s.kldMax());
        assertThat(s.sameTopP()).isBetween(0.9, 1.0);
        assertThat(s.deltaPRms()).isBetween(0.0, 0.05);
    }

    @Test
    void anExpertCountForADenseModelIsRefusedByName() {
        assertThatThrownBy(() -> CoreEvaluation.perplexity(TINY_LLAMA, CoreEvaluation.expertOverride(TINY_LLAMA, 2),
                new int[2048], 512, 2, 1, (d, t, p, k) -> { }))
                .hasMessageContaining("llama.expert_used_count").hasMessageContaining("no experts");
    }

    @Test
    void aTextTooShortForTwoChunksIsRefused() {
        assertThatThrownBy(() -> CoreEvaluation.chunkCount(1000, 512, null))
                .hasMessageContaining("1000 tokens").hasMessageContaining("1024");
    }
}
