package io.quantarena.core.kernel.cpu;

import io.quantarena.core.kernel.QuantizedVector;
import io.quantarena.core.kernel.ScalarMatrixKernels;
import io.quantarena.core.kernel.WeightMatrix;
import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.quantarena.core.kernel.cpu.KernelTestData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Multi-threaded matrix products of the CPU backend against the scalar reference backend. */
class CpuMatrixKernelsTest {

    static CpuMatrixKernels cpu;
    static final ScalarMatrixKernels reference = new ScalarMatrixKernels();

    @BeforeAll
    static void start() {
        cpu = new CpuMatrixKernels(2);
    }

    @AfterAll
    static void stop() {
        cpu.close();
    }

    static List<GgmlType> types() {
        return TYPES;
    }

    /** Compares y with the reference result row by row, relative to Σ|w·x| of that output. */
    private static void assertMatches(GgmlType t, float[] actual, float[] expected, float[] magnitudes, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(relativeError(actual[i], expected[i], magnitudes[i]))
                    .as("%s %s output %d: %s vs %s", t.typeName(), what, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(RowKernelsTest.TOLERANCE);
        }
    }

    /** Σ|w·x| per output of y = W·x for n activation rows (layout of MatrixKernels.matMul). */
    private static float[] magnitudes(WeightMatrix w, float[] x, int n, long rowFrom, long rowTo) {
        QuantCodec codec = QuantCodecs.forType(w.type());
        int cols = w.columns();
        int m = (int) (rowTo - rowFrom);
        float[] row = new float[cols];
        float[] out = new float[n * m];
        for (long r = rowFrom; r < rowTo; r++) {
            codec.dequantizeRowForProducts(w.data(), w.rowOffset(r), row, 0, cols);
            for (int j = 0; j < n; j++) {
                out[j * m + (int) (r - rowFrom)] = (float) magnitude(row, 0, x, j * cols, cols);
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("types")
    void matVecOnReferenceRowsMatchesScalarReference(GgmlType t) {
        WeightMatrix w = new WeightMatrix(t, referenceRows(t, "imatrix"), REF_ROWS, REF_COLS);
        float[] x = gaussian(REF_COLS, 5);
        float[] expected = new float[REF_ROWS];
        float[] actual = new float[REF_ROWS];
        reference.matVec(w, x, expected);
        cpu.matVec(w, x, actual);
        assertMatches(t, actual, expected, magnitudes(w, x, 1, 0, REF_ROWS), "matVec");
    }

    @ParameterizedTest
    @MethodSource("types")
    void matVecAndMatMulOnRandomRowsMatchScalarReference(GgmlType t) {
        int rows = 2 * GemmTile.ROWS + 7, cols = 768, n = 19; // ragged tiles and a column remainder
        WeightMatrix w = new WeightMatrix(t, randomRows(t, rows, cols, 100 + t.id()), rows, cols);
        float[] x = gaussian(n * cols, 9);

        float[] expected = new float[rows];
        float[] actual = new float[rows];
        reference.matVec(w, x, expected);
        cpu.matVec(w, x, actual);
        assertMatches(t, actual, expected, magnitudes(w, x, 1, 0, rows), "matVec");

        long from = 5, to = rows - 3;
        int m = (int) (to - from);
        float[] expectedMm = new float[n * m];
        float[] actualMm = new float[n * m];
        reference.matMul(w, x, n, expectedMm, from, to);
        cpu.matMul(w, x, n, actualMm, from, to);
        assertMatches(t, actualMm, expectedMm, magnitudes(w, x, n, from, to), "matMul");
    }

    @ParameterizedTest
    @MethodSource("types")
    void quantizedActivationsGiveTheReferenceProductWithDequantizedActivations(GgmlType t) {
        int rows = 33, cols = 512;
        WeightMatrix w = new WeightMatrix(t, randomRows(t, rows, cols, 200 + t.id()), rows, cols);
        float[] x = gaussian(cols, 13);
        for (GgmlType at : List.of(GgmlType.Q8_0, GgmlType.Q8_K)) {
            try (Arena arena = Arena.ofConfined()) {
                QuantizedVector xq = QuantizedVector.allocate(at, cols, 1, arena);
                cpu.quantizeActivations(x, xq);
                float[] expected = new float[rows];
                float[] actual = new float[rows];
                reference.matVec(w, xq, expected, 0, rows);
                cpu.matVec(w, xq, actual, 0, rows);
                assertMatches(t, actual, expected, magnitudes(w, ScalarMatrixKernels.dequantize(xq, 0), 1, 0, rows),
                        "matVec with " + at.typeName() + " activations");
            }
        }
    }

    @Test
    void activationQuantizersMatchTheScalarDefinitionBitForBit() {
        int n = 4096, count = 3;
        float[] x = gaussian(n * count, 17);
        for (int i = 0; i < 256; i++) {
            x[n + i] = 0; // an all-zero Q8_K block in the second row
        }
        x[5] = 1e-3f * 0.5f; // small values and exact halves on the rounding grid
        for (GgmlType at : List.of(GgmlType.Q8_0, GgmlType.Q8_K)) {
            try (Arena arena = Arena.ofConfined()) {
                QuantizedVector fast = QuantizedVector.allocate(at, n, count, arena);
                QuantizedVector slow = QuantizedVector.allocate(at, n, count, arena);
                cpu.quantizeActivations(x, fast);
                reference.quantizeActivations(x, slow);
                assertThat(fast.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                        .as(at.typeName()).isEqualTo(slow.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                float[] back = new float[n];
                ActivationQuantizer.dequantize(fast, 2, back);
                assertThat(back).isEqualTo(ScalarMatrixKernels.dequantize(slow, 2));
                for (int i = 0; i < n; i++) {
                    // 8-bit quantization error: at most half a step of the block's scale
                    assertThat(Math.abs(back[i] - x[2 * n + i])).isLessThanOrEqualTo(0.02f);
                }
            }
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        WeightMatrix w = new WeightMatrix(GgmlType.Q8_0, MemorySegment.ofArray(new byte[34 * 4]), 2, 64);
        assertThatThrownBy(() -> cpu.matVec(w, new float[32], new float[2]))
                .hasMessageContaining("activation x has 32 floats, expected at least 64");
        assertThatThrownBy(() -> cpu.matVec(w, new float[64], new float[2], 1, 3))
                .hasMessageContaining("row range [1, 3) outside [0, 2)");
        assertThatThrownBy(() -> new WeightMatrix(GgmlType.Q8_0, MemorySegment.ofArray(new byte[34]), 2, 64))
                .hasMessageContaining("too small");
        assertThatThrownBy(() -> RowKernels.forType(GgmlType.IQ2_KT)).hasMessageContaining("iq2_kt");
    }
}
