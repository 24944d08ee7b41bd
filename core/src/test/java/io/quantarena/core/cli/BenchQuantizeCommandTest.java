package io.quantarena.core.cli;

import io.quantarena.core.bench.QuantizeBench;
import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.imatrix.ImatrixFiles;
import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class BenchQuantizeCommandTest {

    private static final String MODEL = SharedAssets.path("models/tiny-llama-bf16.gguf").toString();
    /** | TYPE | ftype | size | bytes | bpw | input MB | seconds | MB/s | cores used | MB/s per core | imatrix | load avg | */
    private static final Pattern ROW = Pattern.compile(
            "^\\| (\\w+) \\| (\\w+) \\| [\\d.]+ [MG]iB \\| (\\d+) \\| ([\\d.]+) \\| ([\\d.]+) \\| [\\d.]+ \\| [\\d.]+ \\| [\\d.-]+ \\| [\\d.-]+ \\| ([\\w +]+) \\| .+ \\|$",
            Pattern.MULTILINE);
    private static final Pattern DRY_RUN_TOTAL = Pattern.compile("([\\d.]+) bits per weight, file ([\\d,]+) bytes");

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private record Row(String ftype, long bytes, String bpw, double inputMb, String imatrix) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, Row> rows(String out) {
        Map<String, Row> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(out);
        while (m.find()) {
            rows.put(m.group(1), new Row(m.group(2), Long.parseLong(m.group(3)), m.group(4), Double.parseDouble(m.group(5)), m.group(6)));
        }
        return rows;
    }

    /** bits per weight and file bytes from {@code quantize --dry-run --pure}. */
    private static String[] dryRun(GgmlType type, String... imatrixArgs) {
        List<String> args = new java.util.ArrayList<>(List.of("quantize", "--dry-run", "--pure"));
        args.addAll(List.of(imatrixArgs));
        args.addAll(List.of(MODEL, LlamaFileType.forUniformType(type).quantizeName()));
        Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = DRY_RUN_TOTAL.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return new String[] {m.group(1), m.group(2).replace(",", "")};
    }

    @Test
    void oneRowPerTypeWithTheSizesOfTheDryRunPlan() throws Exception {
        Path outDir = Files.createDirectory(tmp.resolve("out"));
        Run r = run("bench-quantize", "-m", MODEL, "--types", "Q8_0,Q4_K,IQ4_NL,IQ2_XXS", "-t", "2", "--out-dir", outDir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| type | ftype | size | bytes | bpw | input MB | seconds | MB/s | cores used | MB/s per core | imatrix | load avg |")
                .contains("--pure").contains("deleted after each type").contains("load average");
        Map<String, Row> rows = rows(r.out());
        assertThat(rows.keySet()).containsExactly("Q8_0", "Q4_K", "IQ4_NL", "IQ2_XXS");
        for (GgmlType t : List.of(GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.IQ4_NL)) {
            String[] plan = dryRun(t);
            Row row = rows.get(t.name());
            assertThat(row.ftype()).isEqualTo(LlamaFileType.forUniformType(t).quantizeName());
            assertThat(row.bytes()).as(t.name()).isEqualTo(Long.parseLong(plan[1]));
            assertThat(row.bpw()).as(t.name()).isEqualTo(plan[0]);
            assertThat(row.imatrix()).isEqualTo("none");
        }
        // the uniform imatrix the command makes itself gives the plan of the same data from a file
        Path uniform = tmp.resolve("uniform.dat");
        try (GgufFile in = GgufFile.open(Path.of(MODEL))) {
            ImatrixFiles.write(QuantizeBench.uniformImatrix(in), uniform);
            // every matrix is quantized, so the input is all tensor bytes but the f32 norms
            long matrices = in.tensors().stream().filter(t -> t.significantDims() >= 2).mapToLong(t -> t.byteSize()).sum();
            assertThat(rows.get("Q8_0").inputMb()).isCloseTo(matrices / 1e6, org.assertj.core.data.Offset.offset(0.05));
        }
        assertThat(rows.get("IQ2_XXS").imatrix()).isEqualTo("uniform");
        assertThat(rows.get("IQ2_XXS").bpw()).isEqualTo(dryRun(GgmlType.IQ2_XXS, "--imatrix", uniform.toString())[0]);
        try (var files = Files.list(outDir)) {
            assertThat(files.toList()).as("temporary outputs are deleted").isEmpty();
        }

        Run given = run("bench-quantize", "-m", MODEL, "--types", "IQ2_XXS", "--imatrix", uniform.toString(), "--out-dir", outDir.toString());
        assertThat(given.code()).as(given.err()).isZero();
        Row row = rows(given.out()).get("IQ2_XXS");
        assertThat(row.imatrix()).isEqualTo("given");
        assertThat(row.bytes()).isEqualTo(Long.parseLong(dryRun(GgmlType.IQ2_XXS, "--imatrix", uniform.toString())[1]));
    }

    @Test
    void rejectsUnknownTypesAndQuantizedInputs() {
        Run badType = run("bench-quantize", "-m", MODEL, "--types", "Q4_K,Q9_X");
        assertThat(badType.code()).isEqualTo(2);
        assertThat(badType.err()).contains("Q9_X");
        Run badThreads = run("bench-quantize", "-m", MODEL, "-t", "0");
        assertThat(badThreads.code()).isEqualTo(2);
        assertThat(badThreads.err()).contains("-t is 0");

        Path q8 = tmp.resolve("q8.gguf");
        assertThat(run("quantize", MODEL, q8.toString(), "Q8_0", "1").code()).isZero();
        Run quantized = run("bench-quantize", "-m", q8.toString(), "--types", "Q4_0", "--out-dir", tmp.toString());
        assertThat(quantized.code()).isEqualTo(1);
        assertThat(quantized.err()).contains("from BF16, F16 or F32 weights").contains("is q8_0");
    }
}
