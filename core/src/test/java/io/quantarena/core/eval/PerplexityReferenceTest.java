package io.quantarena.core.eval;

import io.quantarena.core.model.KvOverride;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * llama-perplexity numbers of ik_llama.cpp on wiki.test.raw (n_ctx 512, f16 KV cache): the final
 * 20-chunk value within 0.2 %, every running value within 0.3 %.
 */
class PerplexityReferenceTest {

    private static void checkRunning(String model, List<KvOverride> overrides, int chunks, String... expectedPath)
            throws Exception {
        double[] expected = ExpectedJson.runningPpl(expectedPath);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (ModelFile mf = ModelFile.open(SharedAssets.path(model), overrides)) {
            PerplexityResult r = ReferenceRuns.perplexity(mf.model(), ReferenceRuns.tokenizer(mf), chunks,
                    ReferenceRuns.quietLog(log));
            assertThat(r.chunks()).isEqualTo(chunks);
            assertThat(r.scored()).isEqualTo(255L * chunks);
            for (int c = 0; c < chunks; c++) {
                assertThat(r.runningPpl()[c]).as("%s running PPL after chunk %d", model, c + 1)
                        .isCloseTo(expected[c], within(0.003 * expected[c]));
            }
            assertThat(log.toString()).contains(String.format(java.util.Locale.ROOT, "[1]%.4f,", r.runningPpl()[0]));
        }
    }

    private static void checkFinal(String model, List<KvOverride> overrides, double expectedPpl, double expectedErr)
            throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (ModelFile mf = ModelFile.open(SharedAssets.path(model), overrides)) {
            PerplexityResult r = ReferenceRuns.perplexity(mf.model(), ReferenceRuns.tokenizer(mf), 20,
                    ReferenceRuns.quietLog(log));
            assertThat(r.ppl()).as("%s 20-chunk PPL", model).isCloseTo(expectedPpl, within(0.002 * expectedPpl));
            assertThat(r.pplError()).isCloseTo(expectedErr, within(0.01 * expectedErr));
            assertThat(log.toString()).contains(String.format(java.util.Locale.ROOT,
                    "Final estimate: PPL over 20 chunks for n_ctx=512 = %.4f +/- %.5f", r.ppl(), r.pplError()));
        }
    }

    @Test
    void tinyLlamaBf16() throws Exception {
        checkRunning("models/tiny-llama-bf16.gguf", List.of(), 20, "models", "tiny-llama", "ppl20", "running_ppl");
        // the final value is the 20th running value: also within 0.2 %
        double ppl = ExpectedJson.number("models", "tiny-llama", "ppl20", "ppl");
        assertThat(ExpectedJson.runningPpl("models", "tiny-llama", "ppl20", "running_ppl")[19]).isEqualTo(ppl);
    }

    @Test
    void tinyLlama4Bf16() throws Exception {
        checkRunning("models/tiny-llama4-bf16.gguf", List.of(), 20, "models", "tiny-llama4", "ppl20", "running_ppl");
    }

    @Test
    void tinyLlama4WithTwoExperts() throws Exception {
        checkRunning("models/tiny-llama4-bf16.gguf", List.of(KvOverride.parse("llama4.expert_used_count=int:2")), 6,
                "models", "tiny-llama4", "ppl20_expert_used_count_2", "running_ppl");
    }

    @Test
    void referenceQ8_0QuantOfTinyLlama() throws Exception {
        checkFinal("reference/quants/tiny-llama-Q8_0.gguf", List.of(),
                ExpectedJson.number("quants", "tiny-llama-Q8_0", "kld20", "ppl_q"),
                ExpectedJson.number("quants", "tiny-llama-Q8_0", "kld20", "ppl_q_err"));
    }

    @Test
    void referenceQ4_K_MQuantOfTinyLlama4() throws Exception {
        checkFinal("reference/quants/tiny-llama4-Q4_K_M.gguf", List.of(),
                ExpectedJson.number("quants", "tiny-llama4-Q4_K_M", "kld20", "ppl_q"),
                ExpectedJson.number("quants", "tiny-llama4-Q4_K_M", "kld20", "ppl_q_err"));
    }
}
