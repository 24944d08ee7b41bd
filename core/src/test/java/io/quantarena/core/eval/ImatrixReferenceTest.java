package io.quantarena.core.eval;

import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixEntry;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The imatrix computation against llama-imatrix's numbers in expected.json
 * ({@code models.*.imatrix_calibration_c512}: data/calibration.txt, -c 512, all 543 chunks).
 * The quick tests run two chunks: the file's structure must match exactly, and the inputs of the
 * RMS-normed products (whose mean x² hardly depends on the text) must match the reference's
 * per-call means. The full run is enabled with {@code -Dquantarena.imatrix.full=true}.
 */
class ImatrixReferenceTest {

    /** Products whose input is a norm's output: q/k/v, gate/up, the router and shared experts' gate/up. */
    private static final Pattern NORMED_INPUT = Pattern.compile("attn_[qkv]\\.weight|ffn_(gate|up)(_shexp)?\\.weight|ffn_gate_inp\\.weight");

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llama", "tiny-llama4"})
    void twoChunksGiveTheReferenceEntriesAndNormedInputMeans(String model) throws IOException {
        ImatrixRunner.Result r = compute(model, 2);

        Imatrix im = r.imatrix();
        assertThat(r.chunks()).isEqualTo(2);
        assertThat(im.chunkCount()).isEqualTo(2);
        assertThat(im.dataset()).contains("calibration.txt");
        assertThat(im.size()).isEqualTo((int) ExpectedJson.number("models", model, "imatrix_entries"));
        assertThat(im.entries()).allSatisfy(e -> assertThat(e.ncall()).as(e.name()).isEqualTo(2));
        int normed = 0;
        for (Map.Entry<String, Object> ref : reference(model).entrySet()) {
            ImatrixEntry e = im.find(ref.getKey()).orElseThrow(() -> new AssertionError("no entry " + ref.getKey()));
            Map<String, Object> x = ExpectedJson.asMap(ref.getValue());
            assertThat(e.size()).as(e.name()).isEqualTo(((Number) x.get("nval")).intValue());
            if (NORMED_INPUT.matcher(e.name()).find()) {
                double refMean = ((Number) x.get("sum_of_values")).doubleValue() / ((Number) x.get("ncall")).doubleValue();
                assertThat(sum(e) / e.ncall()).as(e.name()).isCloseTo(refMean, org.assertj.core.data.Percentage.withPercentage(1));
                normed++;
            }
        }
        assertThat(normed).isGreaterThanOrEqualTo(10);
    }

    @Test
    void expertStacksHoldOneSliceOfColumnsPerExpert() throws IOException {
        Imatrix im = compute("tiny-llama4", 2).imatrix();
        ImatrixEntry up = im.find("blk.0.ffn_up_exps.weight").orElseThrow();
        ImatrixEntry gate = im.find("blk.0.ffn_gate_exps.weight").orElseThrow();
        ImatrixEntry down = im.find("blk.0.ffn_down_exps.weight").orElseThrow();
        int nExpert = up.size() / 256;
        assertThat(nExpert).isEqualTo(8);
        // gate and up see the same (routed, weighted) rows; down sees the 256-wide SwiGLU outputs per expert
        assertThat(up.values()).containsExactly(gate.values());
        assertThat(down.size()).isEqualTo(nExpert * 256);
        for (int ex = 0; ex < nExpert; ex++) {
            double slice = 0;
            for (int j = ex * 256; j < (ex + 1) * 256; j++) {
                slice += up.values()[j];
            }
            assertThat(slice).as("expert " + ex).isPositive();
        }
    }

    /** Every reference entry: the same ncall, and sum_of_values within 1 % per entry on average. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-llama", "tiny-llama4"})
    @EnabledIfSystemProperty(named = "quantarena.imatrix.full", matches = "true")
    void allChunksMatchLlamaImatrix(String model) throws IOException {
        ImatrixRunner.Result r = compute(model, 0);

        List<Double> errors = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (Map.Entry<String, Object> ref : reference(model).entrySet()) {
            ImatrixEntry e = r.imatrix().find(ref.getKey()).orElseThrow(() -> new AssertionError("no entry " + ref.getKey()));
            Map<String, Object> x = ExpectedJson.asMap(ref.getValue());
            assertThat(e.ncall()).as(e.name()).isEqualTo(((Number) x.get("ncall")).intValue());
            double want = ((Number) x.get("sum_of_values")).doubleValue();
            double rel = sum(e) / want - 1;
            errors.add(Math.abs(rel));
            table.append(String.format(Locale.ROOT, "%-32s %14.4f %14.4f %+8.3f%%%n", e.name(), sum(e), want, 100 * rel));
        }
        double mean = errors.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        System.out.printf(Locale.ROOT, "%s imatrix vs llama-imatrix (%d chunks), mean |error| %.3f%%%n%s", model, r.chunks(), 100 * mean, table);
        assertThat(mean).as(table.toString()).isLessThan(0.01);
    }

    private static ImatrixRunner.Result compute(String model, int chunks) throws IOException {
        ImatrixComputation job = new ImatrixComputation(SharedAssets.path("models/" + model + "-bf16.gguf"),
                SharedAssets.path("data/calibration.txt"), "calibration.txt", 512, chunks, ReferenceRuns.threads(), false);
        return job.run(ReferenceRuns.quietLog(new ByteArrayOutputStream()), (c, n, p) -> { });
    }

    private static Map<String, Object> reference(String model) {
        return ExpectedJson.asMap(ExpectedJson.at("models", model, "imatrix_calibration_c512"));
    }

    private static double sum(ImatrixEntry e) {
        double s = 0;
        for (float v : e.values()) {
            s += v;
        }
        return s;
    }
}
