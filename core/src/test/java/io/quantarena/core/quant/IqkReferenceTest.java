package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
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

    private static final QuantReferenceData DATA = QuantReferenceData.get();

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
        int cols = DATA.cols;
        int rowBytes = (int) codec.rowSize(cols);
        assertThat(rowBytes).as("row size of %s", typeName).isEqualTo(DATA.rowBytes(typeName, variant));
        byte[] q = DATA.quantized(typeName, variant);
        float[] expected = DATA.dequantized(typeName, variant);
        float[] actual = decodeAll(codec, q, DATA.rows, cols);

        List<String> diffs = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                diffs.add("row " + i / cols + " col " + i % cols + ": " + actual[i] + " != " + expected[i]);
            }
        }
        assertThat(diffs).as("%s %s decoded values differing from the reference", typeName, variant).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void encodeMatchesReferenceBytes(String typeName, String variant) {
        QuantCodec codec = QuantCodecs.forType(GgmlType.byName(typeName));
        GgmlType type = codec.type();
        int rows = DATA.rows;
        int cols = DATA.cols;
        int rowBytes = (int) codec.rowSize(cols);
        byte[] expected = DATA.quantized(typeName, variant);
        byte[] actual = new byte[rows * rowBytes];
        codec.quantize(DATA.src, 0, rows, cols, variant.equals("imatrix") ? DATA.imatrix : null,
                MemorySegment.ofArray(actual), 0);

        int blocksPerRow = cols / type.blockSize();
        int meta = type.rowMetaBytes();
        int bpb = type.bytesPerBlock();
        List<String> differing = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int row = r * rowBytes;
            boolean metaDiffers = !equalRange(expected, actual, row, meta);
            for (int b = 0; b < blocksPerRow; b++) {
                int at = row + meta + b * bpb;
                if (metaDiffers || !equalRange(expected, actual, at, bpb)) {
                    differing.add("row " + r + " block " + b + (metaDiffers ? " (row scale)" : ""));
                }
            }
        }
        int blocks = rows * blocksPerRow;
        double ours = QuantReferenceData.rmse(decodeAll(codec, actual, rows, cols), DATA.src);
        double reference = DATA.rmse(typeName, variant);
        System.out.printf("%s %s: %d/%d blocks identical, rmse %.6g (reference %.6g)%s%n", typeName, variant,
                blocks - differing.size(), blocks, ours, reference, differing.isEmpty() ? "" : "; differing: " + differing);

        assertThat(blocks - differing.size())
                .as("%s %s blocks identical to the reference; differing: %s", typeName, variant, differing)
                .isGreaterThanOrEqualTo((int) Math.ceil(0.95 * blocks));
        assertThat(ours).as("%s %s RMSE vs reference %s", typeName, variant, reference)
                .isLessThanOrEqualTo(reference * 1.01);
    }

    static float[] decodeAll(QuantCodec codec, byte[] q, int rows, int cols) {
        int rowBytes = (int) codec.rowSize(cols);
        float[] out = new float[rows * cols];
        MemorySegment seg = MemorySegment.ofArray(q);
        for (int r = 0; r < rows; r++) {
            codec.dequantizeRow(seg, (long) r * rowBytes, out, r * cols, cols);
        }
        return out;
    }

    private static boolean equalRange(byte[] a, byte[] b, int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
