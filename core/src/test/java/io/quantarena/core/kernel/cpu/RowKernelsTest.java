package io.quantarena.core.kernel.cpu;

import io.quantarena.core.kernel.ScalarMatrixKernels;
import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.quantarena.core.kernel.cpu.KernelTestData.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vectorized row kernels against the scalar reference: the reference implementation's own
 * dequantization (testdata/quant/*.deq.f32) for real rows, and the format codec (dequantizeRow +
 * plain float dot) for random blocks. Dot products must agree within 1e-4 relative to Σ|w·x|.
 */
class RowKernelsTest {

    static final double TOLERANCE = 1e-4;

    static List<GgmlType> types() {
        return TYPES;
    }

    @ParameterizedTest
    @MethodSource("types")
    void decodesReferenceRowsLikeTheReferenceImplementation(GgmlType t) {
        RowKernel k = RowKernels.forType(t);
        for (String variant : List.of("plain", "imatrix")) {
            if (!hasReference(t, variant)) {
                continue;
            }
            MemorySegment rows = referenceRows(t, variant);
            float[] expected = referenceDequantized(t, variant);
            float[] row = new float[REF_COLS];
            for (int r = 0; r < REF_ROWS; r++) {
                k.dequantize(rows, r * t.rowSize(REF_COLS), 0, row, 0, REF_COLS);
                float maxAbs = 0;
                for (int i = 0; i < REF_COLS; i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(expected[r * REF_COLS + i]));
                }
                for (int i = 0; i < REF_COLS; i++) {
                    float e = expected[r * REF_COLS + i];
                    // products may be fused (one rounding) on one side and not on the other
                    assertThat(Math.abs(row[i] - e)).as("%s %s row %d element %d", t.typeName(), variant, r, i)
                            .isLessThanOrEqualTo(Math.ulp(maxAbs));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void dotProductsOfReferenceRowsMatchTheScalarReference(GgmlType t) {
        RowKernel k = RowKernels.forType(t);
        float[] x = gaussian(REF_COLS, 7);
        PreparedActivation px = k.prepare(x, REF_COLS, new PreparedActivation());
        double worst = 0;
        for (String variant : List.of("plain", "imatrix")) {
            if (!hasReference(t, variant)) {
                continue;
            }
            MemorySegment rows = referenceRows(t, variant);
            float[] deq = referenceDequantized(t, variant);
            for (int r = 0; r < REF_ROWS; r++) {
                float expected = ScalarMatrixKernels.dot(deq, r * REF_COLS, x, 0, REF_COLS);
                float actual = k.dot(rows, r * t.rowSize(REF_COLS), px);
                double rel = relativeError(actual, expected, magnitude(deq, r * REF_COLS, x, 0, REF_COLS));
                worst = Math.max(worst, rel);
                assertThat(rel).as("%s %s row %d: %s vs %s", t.typeName(), variant, r, actual, expected)
                        .isLessThanOrEqualTo(TOLERANCE);
            }
        }
        System.out.printf("%-7s real rows: max relative error %.2e%n", t.typeName(), worst);
    }

    @ParameterizedTest
    @MethodSource("types")
    void rowsQuantizedFromTheReferenceSourceMatchTheCodecReference(GgmlType t) {
        QuantCodec codec = QuantCodecs.forType(t);
        RowKernel k = RowKernels.forType(t);
        float[] src = SharedAssets.floats("testdata/quant/src.f32");
        long rowBytes = t.rowSize(REF_COLS);
        MemorySegment w = MemorySegment.ofArray(new byte[(int) (REF_ROWS * rowBytes)]);
        // the imatrix-only formats (IQ2_XXS, IQ2_XS, IQ1_S) get the reference imatrix, the others none
        float[] imatrix = codec.requiresImatrix() ? SharedAssets.floats("testdata/quant/imatrix.f32") : null;
        codec.quantize(src, 0, REF_ROWS, REF_COLS, imatrix, w, 0);
        float[] x = gaussian(REF_COLS, 23);
        PreparedActivation px = k.prepare(x, REF_COLS, new PreparedActivation());
        float[] ref = new float[REF_COLS];
        for (int r = 0; r < REF_ROWS; r++) {
            codec.dequantizeRow(w, r * rowBytes, ref, 0, REF_COLS);
            float expected = ScalarMatrixKernels.dot(ref, 0, x, 0, REF_COLS);
            float actual = k.dot(w, r * rowBytes, px);
            assertThat(relativeError(actual, expected, magnitude(ref, 0, x, 0, REF_COLS)))
                    .as("%s row %d: %s vs %s", t.typeName(), r, actual, expected).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void randomRowsMatchTheCodecReference(GgmlType t) {
        QuantCodec codec = QuantCodecs.forType(t);
        RowKernel k = RowKernels.forType(t);
        int cols = 2048, rows = 6;
        MemorySegment w = randomRows(t, rows, cols, 11 + t.id());
        float[] x = gaussian(cols, 3);
        PreparedActivation px = k.prepare(x, cols, new PreparedActivation());
        float[] ref = new float[cols];
        float[] mine = new float[cols];
        for (int r = 0; r < rows; r++) {
            long off = r * t.rowSize(cols);
            codec.dequantizeRow(w, off, ref, 0, cols);
            // a column window that starts after the first super-block exercises the block offset
            k.dequantize(w, off, 256, mine, 256, cols - 512);
            for (int i = 256; i < cols - 256; i++) {
                assertThat(Math.abs(mine[i] - ref[i])).as("%s row %d element %d", t.typeName(), r, i)
                        .isLessThanOrEqualTo(Math.ulp(Math.abs(ref[i])) * 2);
            }
            float expected = ScalarMatrixKernels.dot(ref, 0, x, 0, cols);
            float actual = k.dot(w, off, px);
            assertThat(relativeError(actual, expected, magnitude(ref, 0, x, 0, cols)))
                    .as("%s row %d: %s vs %s", t.typeName(), r, actual, expected)
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void pairedDotsEqualSingleDotsBitForBit(GgmlType t) {
        // matVec pairs rows differently with the thread count; a row's value must not depend on its partner
        RowKernel k = RowKernels.forType(t);
        int cols = 1024, rows = 5;
        MemorySegment w = randomRows(t, rows, cols, 31 + t.id());
        long rowBytes = t.rowSize(cols);
        PreparedActivation px = k.prepare(gaussian(cols, 5), cols, new PreparedActivation());
        float[] single = new float[rows];
        for (int r = 0; r < rows; r++) {
            single[r] = k.dot(w, r * rowBytes, px);
        }
        float[] y = new float[rows];
        for (int a = 0; a < rows; a++) {
            for (int b = 0; b < rows; b++) {
                k.dot2(w, a * rowBytes, b * rowBytes, px, y, a, b);
                assertThat(Float.floatToRawIntBits(y[a])).as("%s row %d paired with %d", t.typeName(), a, b)
                        .isEqualTo(Float.floatToRawIntBits(single[a]));
                assertThat(Float.floatToRawIntBits(y[b])).as("%s row %d paired with %d", t.typeName(), b, a)
                        .isEqualTo(Float.floatToRawIntBits(single[b]));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void preparedActivationIsRejectedByAKernelOfAnotherLayout(GgmlType t) {
        RowKernel k = RowKernels.forType(t);
        ActivationLayout other = k.layout() == ActivationLayout.NATURAL ? ActivationLayout.NIBBLES_32
                : ActivationLayout.NATURAL;
        PreparedActivation px = new PreparedActivation();
        other.prepare(gaussian(256, 1), 256, px);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> k.dot(randomRows(t, 1, 256, 3), 0, px))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(k.layout().name());
    }
}
