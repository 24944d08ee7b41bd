package io.quantarena.core.recipe;

import io.quantarena.core.cli.Main;
import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixEntry;
import io.quantarena.core.imatrix.ImatrixFiles;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code quantarena quantize} through the dispatcher. */
class QuantizeCommandTest {

    static final String MODEL = SharedAssets.path("models/tiny-llama4-bf16.gguf").toString();

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void dryRunPrintsThePlanAndTotalsAndWritesNothing() throws Exception {
        Path out = tmp.resolve("never.gguf");
        Run r = run("quantize", "--dry-run", "--custom-q", "ffn_down_exps=q6_K", MODEL, out.toString(), "Q4_K_M", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out).doesNotExist();
        assertThat(r.out()).contains("recipe: Q4_K_M --custom-q \"ffn_down_exps=q6_K\"");
        List<String> rows = r.out().lines().filter(l -> l.matches("\\s*\\d+\\s+\\S+\\.weight\\s.*")).toList();
        assertThat(rows).hasSize(107);
        assertThat(rows).anyMatch(l -> l.matches("\\s*4\\s+blk\\.0\\.attn_q\\.weight\\s+\\[256, 256]\\s+bf16\\s+q8_0\\s+69,632\\s+Q4_K_M rules"));
        assertThat(rows).anyMatch(l -> l.matches("\\s*25\\s+blk\\.1\\.ffn_down_exps\\.weight\\s+\\[256, 256, 8]\\s+bf16\\s+q6_K\\s+430,080\\s+custom rule 'ffn_down_exps=q6_K'"));
        assertThat(rows).anyMatch(l -> l.contains("blk.0.ffn_gate_inp.weight") && l.contains("not quantized: MoE router"));

        QuantPlan plan = ModelQuantizer.plan(Path.of(MODEL), Recipe.of("Q4_K_M").withCustomRules("ffn_down_exps=q6_K"), null);
        Matcher m = Pattern.compile("total: 107 tensors, ([\\d,]+) parameters, ([\\d.]+) bits per weight, file ([\\d,]+) bytes").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(Long.parseLong(m.group(1).replace(",", ""))).isEqualTo(17_846_528L).isEqualTo(plan.parameterCount());
        assertThat(Double.parseDouble(m.group(2))).isCloseTo(plan.bitsPerWeight(), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(Long.parseLong(m.group(3).replace(",", ""))).isEqualTo(plan.fileBytes());
        assertThat(r.out()).contains("quant size: " + String.format("%,d", plan.tensorBytes()) + " bytes");
    }

    @Test
    void commandLineErrorsNameTheRuleAndTheReason() {
        Run badRegex = run("quantize", "--dry-run", "--custom-q", "attn=q8_0,ffn_(up=q4_K", MODEL, "Q4_K_M");
        assertThat(badRegex.code()).isEqualTo(2);
        assertThat(badRegex.err()).contains("custom-q rule 'ffn_(up=q4_K'").contains("invalid regex");

        Run badType = run("quantize", "--dry-run", "--custom-q", "attn=q4_k", MODEL, "Q4_K_M");
        assertThat(badType.code()).isEqualTo(2);
        assertThat(badType.err()).contains("custom-q rule 'attn=q4_k'").contains("unknown type 'q4_k'").contains("'q4_K'");

        Run badOption = run("quantize", "--dry-run", "--token-embedding-type", "q5_X", MODEL, "Q4_K_M");
        assertThat(badOption.code()).isEqualTo(2);
        assertThat(badOption.err()).contains("--token-embedding-type: unknown type 'q5_X'");

        Run badFtype = run("quantize", "--dry-run", MODEL, "out.gguf", "Q4_K_Z");
        assertThat(badFtype.code()).isEqualTo(2);
        assertThat(badFtype.err()).contains("unknown quantization type 'Q4_K_Z'");

        Run noImatrix = run("quantize", "--dry-run", "--custom-q", "ffn_up_exps=iq2_xxs", MODEL, "Q4_K_M");
        assertThat(noImatrix.code()).isEqualTo(1);
        assertThat(noImatrix.err()).contains("'blk.0.ffn_up_exps.weight' as iq2_xxs (from custom rule 'ffn_up_exps=iq2_xxs'): no --imatrix given");

        Run lowBitFtype = run("quantize", "--dry-run", MODEL, "IQ1_S");
        assertThat(lowBitFtype.code()).isEqualTo(1);
        assertThat(lowBitFtype.err()).contains("without an importance matrix");
    }

    @Test
    void rulesThatMatchNothingAreWarnings() {
        Run r = run("quantize", "--dry-run", "--custom-q", "ffn_up_exps=q4_K,no_such_tensor=q8_0", MODEL, "Q4_K_M");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("warning: custom-q rule 'no_such_tensor=q8_0' matches no quantized tensor");
    }

    @Test
    void quantizesWithAnImatrixFileAndOverrides() throws Exception {
        // importance for every weight of tiny-llama4, in the legacy file format
        List<ImatrixEntry> entries = new ArrayList<>();
        try (GgufFile f = GgufFile.open(Path.of(MODEL))) {
            f.tensors().stream().filter(t -> t.name().startsWith("blk.") && t.significantDims() >= 2).forEach(t -> {
                float[] v = new float[(int) (t.ne(0) * t.ne(2))];
                java.util.Arrays.fill(v, 2f);
                entries.add(new ImatrixEntry(t.name(), 2, v));
            });
        }
        Path imatrix = tmp.resolve("tiny.imatrix");
        ImatrixFiles.write(new Imatrix(entries, 543, "calibration.txt", null), imatrix);
        Path out = tmp.resolve("q8.gguf");
        Run r = run("quantize", "--imatrix", imatrix.toString(), "--exclude-weights", "ffn_gate_inp", "--override-kv", "general.name=str:tiny-q8",
                "--output-tensor-type", "q8_0", MODEL, out.toString(), "Q8_0", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("[ 107/ 107]").contains("wrote " + out);
        try (GgufFile q = GgufFile.open(out)) {
            assertThat(q.metadata().getString("general.name")).isEqualTo("tiny-q8");
            assertThat(q.metadata().getString("quantize.imatrix.file")).isEqualTo("tiny.imatrix");
            assertThat(q.metadata().getString("quantize.imatrix.dataset")).isEqualTo("calibration.txt");
            assertThat(q.metadata().getInt("quantize.imatrix.entries_count")).isEqualTo(80); // 88 minus the 8 routers
            assertThat(q.metadata().getInt("quantize.imatrix.chunks_count")).isEqualTo(543);
            assertThat(q.metadata().getLong("general.file_type")).isEqualTo(7);
            assertThat(q.metadata().getString("quantize.recipe")).isEqualTo("Q8_0 --output-tensor-type q8_0 --override-kv \"general.name=str:tiny-q8\"");
            assertThat(Files.size(out)).isEqualTo(ModelQuantizer.plan(Path.of(MODEL), Recipe.of("Q8_0")
                    .withType(TypeOption.OUTPUT, io.quantarena.core.tensor.GgmlType.Q8_0)
                    .withOverride(KvOverride.parse("general.name=str:tiny-q8")), ImatrixFiles.read(imatrix).filtered(List.of(), List.of("ffn_gate_inp"))).fileBytes());
        }
    }

    @Test
    void outputPathMayBeOmittedLikeLlamaQuantize() throws Exception {
        Path model = tmp.resolve("m.gguf");
        Files.copy(SharedAssets.path("models/tiny-llama-bf16.gguf"), model);
        Run r = run("quantize", model.toString(), "q8_0", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(tmp.resolve("ggml-model-Q8_0.gguf")).exists();
    }
}
