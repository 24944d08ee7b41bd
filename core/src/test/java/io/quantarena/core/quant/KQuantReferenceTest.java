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
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The K-quant codecs against the reference files of {@code testdata/quant} (28 rows × 256,
 * produced by ggml_quantize_chunk of the x86 reference build on the whole 28-row chunk).
 */
class KQuantReferenceTest {

    private static final ReferenceManifest MANIFEST = ReferenceManifest.get();

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (GgmlType t : List.of(GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K)) {
            out.add(Arguments.of(t, "plain"));
            out.add(Arguments.of(t, "imatrix"));
        }
        return out.stream();
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
        ReferenceManifest.Case c = MANIFEST.referenceCase(type.name(), variant);
        int rows = MANIFEST.rows();
        int cols = MANIFEST.cols();
        float[] got = new float[rows * cols];
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(SharedAssets.path(ReferenceManifest.DIR + c.quantized()),
                     StandardOpenOption.READ)) {
            assertThat(ch.size()).isEqualTo(rows * codec.rowSize(cols));
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            for (int r = 0; r < rows; r++) {
                codec.dequantizeRow(seg, r * codec.rowSize(cols), got, r * cols, cols);
            }
        }
        List<String> diffs = CodecRoundTrip.differingValues(c.dequantizedValues(), got, cols);
        assertThat(diffs).as("%s %s: %d of %d values differ", type, variant, diffs.size(), got.length).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void encodeReproducesReferenceBytes(GgmlType type, String variant) {
        QuantCodec codec = QuantCodecs.forType(type);
        ReferenceManifest.Case c = MANIFEST.referenceCase(type.name(), variant);
        int rows = MANIFEST.rows();
        int cols = MANIFEST.cols();
        byte[] got = CodecRoundTrip.encodeReference(codec, c);

        BlockDiff diff = BlockDiff.of(type, rows, cols, c.quantizedBytes(), got);
        List<String> differing = diff.blockDiffs();
        int blocks = diff.totalBlocks();
        System.out.printf("%s %s: %d/%d blocks identical%s%n", type, variant, blocks - differing.size(), blocks,
                differing.isEmpty() ? "" : ", differing blocks (row:block) " + differing);
        assertThat(diff.matchingFraction()).as("%s %s: %d of %d blocks differ from the reference: %s", type, variant,
                differing.size(), blocks, differing).isGreaterThanOrEqualTo(0.99);

        double rmse = CodecRoundTrip.rmse(ReferenceManifest.src(), CodecRoundTrip.decode(codec, got, rows, cols));
        double refRmse = c.rmse();
        assertThat(rmse).as("%s %s rmse (reference %s)", type, variant, refRmse).isLessThanOrEqualTo(refRmse * 1.001);
    }
}
