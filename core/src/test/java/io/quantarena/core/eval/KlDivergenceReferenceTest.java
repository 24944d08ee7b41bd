package io.quantarena.core.eval;

import io.quantarena.core.model.CpuBackend;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.LlamaModel;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.model.Session;
import io.quantarena.core.testsupport.SharedAssets;
import io.quantarena.core.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * KL-divergence interoperability with llama-perplexity: reading the reference 2-chunk base file of
 * tiny-llama4 and writing one of identical layout.
 */
class KlDivergenceReferenceTest {

    private static final Path BASE = SharedAssets.path("reference/tiny-llama4.base2.kld");

    @Test
    void q8_0QuantAgainstTheReferenceBaseFile() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KldSummary s;
        try (ModelFile mf = ModelFile.open(SharedAssets.path("models/tiny-llama4-bf16.gguf"), List.of());
             Arena arena = Arena.ofShared();
             CpuBackend be = new CpuBackend(ReferenceRuns.threads());
             BaseLogitsFile base = BaseLogitsFile.open(BASE)) {
            LlamaModel q8 = ReferenceRuns.requantized(mf, "tiny-llama4-Q8_0", arena);
            Tokenizer tok = ReferenceRuns.tokenizer(mf);
            Session session = new Session(q8, be, base.nCtx(), base.nCtx(), KvCacheType.F16);
            s = new PerplexityRunner(session, base.nCtx(), tok.vocabulary().addBos(), tok.vocabulary().specialIds().bos(),
                    ReferenceRuns.quietLog(out)).klDivergence(base, 0);
        }
        String log = out.toString();
        System.out.println(log);
        var e = ExpectedJson.asMap(ExpectedJson.at("kld_interop", "stats"));
        assertThat(s.count()).isEqualTo(510);
        // computed from the file alone: must agree to the printed precision
        assertThat(s.pplBase()).isCloseTo(num(e, "ppl_base"), within(1e-5 * num(e, "ppl_base")));
        assertThat(s.pplBaseErr()).isCloseTo(num(e, "ppl_base_err"), within(1e-4 * num(e, "ppl_base_err")));
        // depend on our forward pass of the Q8_0 model
        assertThat(s.pplQ()).isCloseTo(num(e, "ppl_q"), within(0.003 * num(e, "ppl_q")));
        assertThat(s.kldMean()).isCloseTo(num(e, "kld_mean"), within(0.5 * num(e, "kld_mean")));
        assertThat(100 * s.sameTop()).isCloseTo(num(e, "same_top_p"), within(1.0));
        assertThat(100 * s.dpRms()).isCloseTo(num(e, "dp_rms"), within(0.3));
        assertThat(s.kldMedian()).isCloseTo(num(e, "kld_median"), within(0.5 * num(e, "kld_median")));
        assertThat(100 * s.corLnPpl()).isCloseTo(num(e, "cor_ln_ppl_pct"), within(0.1));
        assertThat(log).contains(KlDivergenceStats.CHUNK_HEADER).contains("====== KL divergence statistics ======")
                .contains(String.format(java.util.Locale.ROOT, "Mean PPL(base)                : %10.6f ± %10.6f",
                        s.pplBase(), s.pplBaseErr()));
    }

    private static double num(java.util.Map<String, Object> m, String k) {
        return ((Number) m.get(k)).doubleValue();
    }
}
