package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The K-quant codecs against the reference files of {@code testdata/quant} (28 rows × 256,
 * produced by ggml_quantize_chunk of the x86 reference build on the whole 28-row chunk).
 */
class KQuantReferenceTest {

    private static final int ROWS = 28;
    private static final int COLS = 256;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (GgmlType t : List.of(GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K)) {
            out.add(Arguments.of(t, "plain"));
            out.add(Arguments.of(t, "imatrix"));
        }
        return out.stream();
    }

    private static String base(GgmlType t, String variant) {
        return "testdata/quant/" + t.name() + "." + variant;
    }

    /**
     * Decoding is bit-identical, read straight from the memory-mapped reference file: the
     * reference dequantizers compute d·sc (and dmin·m) first and then one product (minus one
     * product) per element, evaluated unfused; no one-ulp allowance is needed.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodeReproducesReferenceBitExactly(GgmlType type, String variant) throws IOException {
        QuantCodec codec = QuantCodecs.forType(type);
        float[] expected = SharedAssets.floats(base(type, variant) + ".deq.f32");
        float[] got = new float[ROWS * COLS];
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(SharedAssets.path(base(type, variant) + ".q"), StandardOpenOption.READ)) {
            assertThat(ch.size()).isEqualTo(ROWS * codec.rowSize(COLS));
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            for (int r = 0; r < ROWS; r++) {
                codec.dequantizeRow(seg, r * codec.rowSize(COLS), got, r * COLS, COLS);
            }
        }
        List<String> diffs = new ArrayList<>();
        for (int i = 0; i < got.length; i++) {
            if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(expected[i])) {
                diffs.add("row " + i / COLS + " col " + i % COLS + ": " + got[i] + " vs " + expected[i]);
            }
        }
        assertThat(diffs).as("%s %s: %d of %d values differ", type, variant, diffs.size(), got.length).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void encodeReproducesReferenceBytes(GgmlType type, String variant) {
        QuantCodec codec = QuantCodecs.forType(type);
        float[] src = SharedAssets.floats("testdata/quant/src.f32");
        float[] imatrix = variant.equals("imatrix") ? SharedAssets.floats("testdata/quant/imatrix.f32") : null;
        byte[] expected = SharedAssets.bytes(base(type, variant) + ".q");
        byte[] got = new byte[expected.length];
        codec.quantize(src, 0, ROWS, COLS, imatrix, MemorySegment.ofArray(got), 0);

        int bpb = type.bytesPerBlock();
        int blocks = expected.length / bpb;
        List<Integer> differing = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            if (!Arrays.equals(got, b * bpb, (b + 1) * bpb, expected, b * bpb, (b + 1) * bpb)) {
                differing.add(b);
            }
        }
        double matched = 1.0 - differing.size() / (double) blocks;
        System.out.printf("%s %s: %d/%d blocks identical%s%n", type, variant, blocks - differing.size(), blocks,
                differing.isEmpty() ? "" : ", differing blocks " + differing);
        assertThat(matched).as("%s %s: %d of %d blocks differ from the reference: %s", type, variant,
                differing.size(), blocks, differing).isGreaterThanOrEqualTo(0.99);

        float[] deq = new float[ROWS * COLS];
        MemorySegment seg = MemorySegment.ofArray(got);
        for (int r = 0; r < ROWS; r++) {
            codec.dequantizeRow(seg, r * codec.rowSize(COLS), deq, r * COLS, COLS);
        }
        double rmse = rmse(src, deq);
        double refRmse = manifestRmse(type, variant);
        assertThat(rmse).as("%s %s rmse (reference %s)", type, variant, refRmse).isLessThanOrEqualTo(refRmse * 1.001);
    }

    static double rmse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s / a.length);
    }

    /** The manifest's rmse of one case, read with a regex (no JSON dependency in core). */
    static double manifestRmse(GgmlType type, String variant) {
        String json = SharedAssets.text("testdata/quant/manifest.json");
        int typeAt = json.indexOf("\"" + type.name() + "\"");
        assertThat(typeAt).as("manifest entry for %s", type).isGreaterThanOrEqualTo(0);
        Matcher variantKey = Pattern.compile("\"" + variant + "\"\\s*:\\s*\\{").matcher(json);
        assertThat(variantKey.find(typeAt)).as("manifest %s.%s", type, variant).isTrue();
        Matcher rmse = Pattern.compile("\"rmse\"\\s*:\\s*([-+0-9.eE]+)").matcher(json);
        assertThat(rmse.find(variantKey.end())).as("manifest %s.%s rmse", type, variant).isTrue();
        return Double.parseDouble(rmse.group(1));
    }
}
