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

    /**
     * Every format's kernel as {@link RowKernels} serves it, plus the portable kernel of the formats
     * that have a 512-bit one (the one used on machines with narrower vectors).
     */
    static List<RowKernel> kernels() {
        List<RowKernel> ks = new java.util.ArrayList<>();
        for (GgmlType t : TYPES) {
            ks.add(RowKernels.forType(t));
            if (RowKernels.portable(t) != RowKernels.forType(t)) {
                ks.add(RowKernels.portable(t));
            }
        }
        return ks;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void decodesReferenceRowsLikeTheReferenceImplementation(RowKernel k) {
        GgmlType t = k.type();
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
    @MethodSource("kernels")
    void dotProductsOfReferenceRowsMatchTheScalarReference(RowKernel k) {
        GgmlType t = k.type();
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
        System.out.printf("%-7s %-24s real rows: max relative error %.2e%n", t.typeName(), k.getClass().getSimpleName(), worst);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void rowsQuantizedFromTheReferenceSourceMatchTheCodecReference(RowKernel k) {
        GgmlType t = k.type();
        QuantCodec codec = QuantCodecs.forType(t);
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
            codec.dequantizeRowForProducts(w, r * rowBytes, ref, 0, REF_COLS);
            float expected = ScalarMatrixKernels.dot(ref, 0, x, 0, REF_COLS);
            float actual = k.dot(w, r * rowBytes, px);
            assertThat(relativeError(actual, expected, magnitude(ref, 0, x, 0, REF_COLS)))
                    .as("%s row %d: %s vs %s", t.typeName(), r, actual, expected).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void randomRowsMatchTheCodecReference(RowKernel k) {
        GgmlType t = k.type();
        QuantCodec codec = QuantCodecs.forType(t);
        int cols = 2048, rows = 6;
        MemorySegment w = randomRows(t, rows, cols, 11 + t.id());
        float[] x = gaussian(cols, 3);
        PreparedActivation px = k.prepare(x, cols, new PreparedActivation());
        float[] ref = new float[cols];
        float[] mine = new float[cols];
        for (int r = 0; r < rows; r++) {
            long off = r * t.rowSize(cols);
            codec.dequantizeRowForProducts(w, off, ref, 0, cols);
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

    /** fp16 block scales at the edges of the format: zeros, subnormals, the largest normal, both signs. */
    private static final short[] EDGE_HALVES = {0x0000, (short) 0x8000, 0x0001, (short) 0x8001, 0x03FF, (short) 0x83FF,
            0x0400, 0x7BFF, (short) 0xFBFF, 0x3C00, (short) 0xBC00, 0x1A3D};

    @ParameterizedTest
    @MethodSource("kernels")
    void blockScalesAtTheEdgesOfFp16DecodeExactly(RowKernel k) {
        // kernels that widen the fp16 scales themselves (Q4_K's integer widening) must agree with
        // Float.float16ToFloat on subnormals, zeros and signs, not only on the usual small normals
        GgmlType t = k.type();
        int[] halves = halfScaleOffsets(t);
        if (t.isUnquantized() || t.rowMetaBytes() > 0 || halves.length == 0) {
            return;
        }
        QuantCodec codec = QuantCodecs.forType(t);
        int cols = 2048, rows = 4;
        MemorySegment w = randomRows(t, rows, cols, 47 + t.id());
        long blocks = rows * t.rowSize(cols) / t.bytesPerBlock();
        int e = 0;
        for (long blk = 0; blk < blocks; blk++) {
            for (int off : halves) {
                w.set(LE_SHORT, blk * t.bytesPerBlock() + off, EDGE_HALVES[e++ % EDGE_HALVES.length]);
            }
        }
        float[] x = gaussian(cols, 9);
        PreparedActivation px = k.prepare(x, cols, new PreparedActivation());
        float[] ref = new float[cols];
        for (int r = 0; r < rows; r++) {
            long off = r * t.rowSize(cols);
            codec.dequantizeRowForProducts(w, off, ref, 0, cols);
            float expected = ScalarMatrixKernels.dot(ref, 0, x, 0, cols);
            float actual = k.dot(w, off, px);
            assertThat(relativeError(actual, expected, magnitude(ref, 0, x, 0, cols)))
                    .as("%s row %d: %s vs %s", t.typeName(), r, actual, expected)
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void groupedDotsEqualSingleDotsBitForBit(RowKernel k) {
        // matVec groups rows differently with the thread count; a row's value must not depend on the others
        GgmlType t = k.type();
        int cols = 1024, rows = 8;
        MemorySegment w = randomRows(t, rows, cols, 31 + t.id());
        long rowBytes = t.rowSize(cols);
        PreparedActivation px = k.prepare(gaussian(cols, 5), cols, new PreparedActivation());
        float[] single = new float[rows];
        for (int r = 0; r < rows; r++) {
            single[r] = k.dot(w, r * rowBytes, px);
        }
        for (int first = 0; first < rows; first++) {
            for (int dist = 0; first + 3 * dist < rows; dist++) {
                float[] y = new float[4 * rows];
                k.dot4(w, first * rowBytes, dist * rowBytes, px, y, 1, rows);
                for (int j = 0; j < 4; j++) {
                    int r = first + j * dist;
                    assertThat(Float.floatToRawIntBits(y[1 + j * rows])).as("%s row %d as row %d of four from %d, %d apart",
                            t.typeName(), r, j, first, dist).isEqualTo(Float.floatToRawIntBits(single[r]));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void preparedActivationIsRejectedByAKernelOfAnotherLayout(RowKernel k) {
        GgmlType t = k.type();
        ActivationLayout other = k.layout() == ActivationLayout.NATURAL ? ActivationLayout.NIBBLES_32
                : ActivationLayout.NATURAL;
        PreparedActivation px = new PreparedActivation();
        other.prepare(gaussian(256, 1), 256, px);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> k.dot(randomRows(t, 1, 256, 3), 0, px))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(k.layout().name());
    }
}
