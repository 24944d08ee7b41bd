package io.quantarena.core.eval;

import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.model.CpuBackend;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.model.Session;
import io.quantarena.core.recipe.ModelQuantizer;
import io.quantarena.core.recipe.QuantizeJob;
import io.quantarena.core.recipe.QuantizeProgress;
import io.quantarena.core.recipe.Recipe;
import io.quantarena.core.testsupport.SharedAssets;
import io.quantarena.core.tokenizer.Tokenizer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 7's agreement check (and issue 6's perplexity check) for every quant of expected.json:
 * the BF16 base is quantized the way the reference was (ftype, --custom-q, an importance matrix
 * computed by us on data/calibration.txt with -c 512) through {@link ModelQuantizer} into a GGUF
 * file, that file is loaded, and its 20-chunk KL-divergence run against our base
 * log-probabilities must give PPL(Q) within 0.2 %, mean KLD within 5 % (or 0.0005) and same top
 * p within 0.5 points of llama-perplexity's numbers.
 *
 * <p>Enabled with {@code -Dquantarena.agreement=true}: the two full imatrix runs (543 chunks each)
 * make it take about six minutes on two cores. Known misses (see the printed table): the mean KLD
 * of tiny-llama4 Q4_K_M, Q6_K and Q8_0 (+6 %, −18 %, −33 %), whose medians agree within 4 %. Those
 * means are decided by a handful of top-1 expert-routing flips, which last-bit changes move: taking
 * the Q8_0 block-sum rounding out of the attention products alone moves the Q8_0 mean by 26 %.
 * The IQ4_XS / IQ4_KS / IQ5_K rows agree since products of those types reproduce the reference
 * kernels' int16 pair saturation (PairSaturation, through {@link CpuBackend#forEvaluation}).
 */
@EnabledIfSystemProperty(named = "quantarena.agreement", matches = "true")
class QuantAgreementTest {

    private static final int CHUNKS = 20;

    @TempDir
    static Path dir;

    private static final Map<String, BaseRun> BASES = new LinkedHashMap<>();
    private static final List<String> TABLE = new ArrayList<>();
    private static final long START = System.nanoTime();

    /** What every quant of one base model shares: its importance matrix and base log-probabilities. */
    private record BaseRun(Path model, Imatrix imatrix, BaseLogitsFile logits) {
    }

    private record Reference(String name, String base, String ftype, String customQ, Map<String, Object> types,
                             Map<String, Object> kld) {

        double stat(String key) {
            return ((Number) kld.get(key)).doubleValue();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyReferenceQuantAgreesWithLlamaPerplexity() {
        List<Reference> refs = new ArrayList<>();
        for (Map.Entry<String, Object> e : ExpectedJson.asMap(ExpectedJson.at("quants")).entrySet()) {
            Map<String, Object> q = ExpectedJson.asMap(e.getValue());
            refs.add(new Reference(e.getKey(), (String) q.get("base"), (String) q.get("ftype"), (String) q.get("custom_q"),
                    ExpectedJson.asMap(q.get("tensor_types_ggml_ids")), ExpectedJson.asMap(q.get("kld20"))));
        }
        assertThat(refs).hasSize(18);
        return refs.stream().map(r -> DynamicTest.dynamicTest(r.name(), () -> check(r)));
    }

    private static void check(Reference ref) throws IOException {
        BaseRun base = base(ref.base());
        long t0 = System.nanoTime();
        Path out = dir.resolve(ref.name() + ".gguf");
        Recipe recipe = Recipe.of(ref.ftype());
        if (ref.customQ() != null) {
            recipe = recipe.withCustomRules(ref.customQ());
        }
        new ModelQuantizer().quantize(new QuantizeJob(base.model(), out, recipe, base.imatrix(), ReferenceRuns.threads()),
                QuantizeProgress.NONE);
        long t1 = System.nanoTime();

        KldSummary s;
        try (ModelFile mf = ModelFile.open(out, List.of());
             CpuBackend be = CpuBackend.forEvaluation(ReferenceRuns.threads())) {
            for (GgufTensorInfo t : mf.gguf().tensors()) {
                assertThat(t.type().id()).as("%s: type of %s", ref.name(), t.name())
                        .isEqualTo(((Number) ref.types().get(t.name())).intValue());
            }
            Tokenizer tok = ReferenceRuns.tokenizer(mf);
            Session session = new Session(mf.model(), be, ReferenceRuns.N_CTX, ReferenceRuns.N_CTX, KvCacheType.F16);
            s = new PerplexityRunner(session, ReferenceRuns.N_CTX, tok.vocabulary().addBos(), tok.vocabulary().specialIds().bos(),
                    ReferenceRuns.quietLog(new ByteArrayOutputStream())).klDivergence(base.logits(), CHUNKS);
        } finally {
            Files.deleteIfExists(out);
        }
        long t2 = System.nanoTime();

        double pplRef = ref.stat("ppl_q");
        double kldRef = ref.stat("kld_mean");
        double topRef = ref.stat("same_top_p");
        double medianRef = ref.stat("kld_median");
        TABLE.add(String.format(Locale.ROOT, "%-28s %10.4f %10.4f %+7.3f%% | %8.5f %8.5f %+7.2f%% | %8.5f %8.5f %+7.2f%% | %7.3f %7.3f %+6.2f | %5.1fs %5.1fs",
                ref.name(), s.pplQ(), pplRef, 100 * (s.pplQ() / pplRef - 1), s.kldMean(), kldRef, 100 * (s.kldMean() / kldRef - 1),
                s.kldMedian(), medianRef, 100 * (s.kldMedian() / medianRef - 1),
                100 * s.sameTop(), topRef, 100 * s.sameTop() - topRef, (t1 - t0) / 1e9, (t2 - t1) / 1e9));

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(s.count()).as("%s scored positions", ref.name()).isEqualTo((long) CHUNKS * base.logits().scoredPerChunk());
        soft.assertThat(s.pplBase()).as("%s PPL(base)", ref.name()).isCloseTo(ref.stat("ppl_base"), within(0.002 * ref.stat("ppl_base")));
        soft.assertThat(s.pplQ()).as("%s PPL(Q) within 0.2 %%", ref.name()).isCloseTo(pplRef, within(0.002 * pplRef));
        soft.assertThat(s.kldMean()).as("%s mean KLD within 5 %% or 0.0005", ref.name())
                .isCloseTo(kldRef, within(Math.max(0.05 * kldRef, 0.0005)));
        soft.assertThat(100 * s.sameTop()).as("%s same top p within 0.5 points", ref.name()).isCloseTo(topRef, within(0.5));
        soft.assertAll();
    }

    /** The base model's imatrix and 20-chunk log-probabilities, computed on first use. */
    private static synchronized BaseRun base(String name) {
        return BASES.computeIfAbsent(name, n -> {
            try {
                Path model = SharedAssets.path((String) ExpectedJson.at("models", n, "file"));
                long t0 = System.nanoTime();
                ImatrixRunner.Result im = new ImatrixComputation(model, SharedAssets.path("data/calibration.txt"), "calibration.txt",
                        ImatrixComputation.DEFAULT_N_CTX, 0, ReferenceRuns.threads(), false)
                        .run(ReferenceRuns.quietLog(new ByteArrayOutputStream()), (c, k, p) -> { });
                long t1 = System.nanoTime();
                Path logits = dir.resolve(n + ".base20.kld");
                try (ModelFile mf = ModelFile.open(model, List.of());
                     CpuBackend be = CpuBackend.forEvaluation(ReferenceRuns.threads())) {
                    Tokenizer tok = ReferenceRuns.tokenizer(mf);
                    int[] tokens = ReferenceRuns.wikiTokens(tok);
                    long t2 = System.nanoTime();
                    Session session = new Session(mf.model(), be, ReferenceRuns.N_CTX, ReferenceRuns.N_CTX, KvCacheType.F16);
                    try (BaseLogitsWriter w = new BaseLogitsWriter(logits, ReferenceRuns.N_CTX, mf.hparams().nVocab(), CHUNKS, tokens)) {
                        new PerplexityRunner(session, ReferenceRuns.N_CTX, tok.vocabulary().addBos(), tok.vocabulary().specialIds().bos(),
                                ReferenceRuns.quietLog(new ByteArrayOutputStream())).perplexity(tokens, CHUNKS, w);
                    }
                    System.out.printf(Locale.ROOT, "%s: imatrix (%d chunks) %.1fs, wiki tokens %.1fs, base log-probabilities %.1fs%n",
                            n, im.chunks(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
                }
                return new BaseRun(model, im.imatrix(), BaseLogitsFile.open(logits));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @AfterAll
    static void report() {
        BASES.values().forEach(b -> b.logits().close());
        System.out.printf(Locale.ROOT, "%-28s %10s %10s %8s | %8s %8s %8s | %8s %8s %8s | %7s %7s %6s | quantize, KLD run%n",
                "quant (ours vs reference)", "PPL(Q)", "ref", "Δ", "KLD", "ref", "Δ", "med KLD", "ref", "Δ", "top p", "ref", "Δ");
        TABLE.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "total %.1fs, load average %.2f%n", (System.nanoTime() - START) / 1e9,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
