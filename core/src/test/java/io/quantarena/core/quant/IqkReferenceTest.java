package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ik non-linear codecs against the reference rows of testdata/quant: decoding must reproduce
 * the reference's dequantized floats bit for bit, encoding its bytes for at least 95 % of the
 * blocks with an RMSE at most 1 % above the reference's.
 */
class IqkReferenceTest {

    /** Types under test, with whether the encoder is implemented. */
    static final String[] TYPES = {"IQ4_KS", "IQ4_K", "IQ5_K", "IQ6_K", "IQ5_KS", "IQ3_K", "IQ2_K", "IQ2_KS", "IQ4_KSS", "IQ3_KS"};

    private static final ReferenceManifest MANIFEST = ReferenceManifest.get();

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (String t : TYPES) {
            list.add(Arguments.of(t, "plain"));
            list.add(Arguments.of(t, "imatrix"));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodeReproducesReferenceExactly(String typeName, String variant) {
        QuantCodec codec = QuantCodecs.forType(GgmlType.byName(typeName));
        ReferenceManifest.Case c = MANIFEST.referenceCase(typeName, variant);
        int cols = MANIFEST.cols();
        assertThat(codec.rowSize(cols)).as("row size of %s", typeName).isEqualTo(c.rowBytes());
        float[] actual = CodecRoundTrip.decode(codec, c.quantizedBytes(), MANIFEST.rows(), cols);

        List<String> diffs = CodecRoundTrip.differingValues(c.dequantizedValues(), actual, cols);
        assertThat(diffs).as("%s %s decoded values differing from the reference", typeName, variant).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void encodeMatchesReferenceBytes(String typeName, String variant) {
        QuantCodec codec = QuantCodecs.forType(GgmlType.byName(typeName));
        ReferenceManifest.Case c = MANIFEST.referenceCase(typeName, variant);
        int rows = MANIFEST.rows();
        int cols = MANIFEST.cols();
        byte[] actual = CodecRoundTrip.encodeReference(codec, c);

        // a block counts as differing when its bytes or its row's scale differ
        BlockDiff diff = BlockDiff.of(codec.type(), rows, cols, c.quantizedBytes(), actual);
        List<String> differing = diff.blocksDifferingWithRowHeader();
        int blocks = diff.totalBlocks();
        double ours = CodecRoundTrip.rmse(CodecRoundTrip.decode(codec, actual, rows, cols), ReferenceManifest.src());
        double reference = c.rmse();
        System.out.printf("%s %s: %d/%d blocks identical, rmse %.6g (reference %.6g)%s%n", typeName, variant,
                blocks - differing.size(), blocks, ours, reference, differing.isEmpty() ? "" : "; differing: " + differing);

        assertThat(blocks - differing.size())
                .as("%s %s blocks identical to the reference; differing: %s", typeName, variant, differing)
                .isGreaterThanOrEqualTo((int) Math.ceil(0.95 * blocks));
        assertThat(ours).as("%s %s RMSE vs reference %s", typeName, variant, reference)
                .isLessThanOrEqualTo(reference * 1.01);
    }
}
