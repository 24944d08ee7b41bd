package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lattice ("i-quant") codecs against the reference vectors of ik_llama.cpp
 * ({@code testdata/quant}: 28 rows × 256, one super-block per row, with and without imatrix).
 *
 * <p>Acceptance: decoding is bit-exact for every row; encoding reproduces the reference bytes
 * for at least 95 % of the blocks of each case (differing blocks are listed) and the RMSE is at
 * most 1 % above the reference's.
 */
class LatticeReferenceTest {

    static final List<GgmlType> LATTICE_TYPES = List.of(GgmlType.IQ2_XXS, GgmlType.IQ2_XS, GgmlType.IQ2_S,
            GgmlType.IQ3_XXS, GgmlType.IQ3_S, GgmlType.IQ1_S, GgmlType.IQ1_M);
    /** Types ggml refuses to quantize without an importance matrix. */
    static final List<GgmlType> IMATRIX_REQUIRED = List.of(GgmlType.IQ2_XXS, GgmlType.IQ2_XS, GgmlType.IQ1_S);
    static final double MIN_MATCHING_BLOCKS = 0.95;
    static final double MAX_RMSE_RATIO = 1.01;

    static final ReferenceManifest MANIFEST = ReferenceManifest.load();
    static final float[] SRC = SharedAssets.floats(ReferenceManifest.DIR + "src.f32");
    static final float[] IMATRIX = SharedAssets.floats(ReferenceManifest.DIR + "imatrix.f32");

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (GgmlType type : LATTICE_TYPES) {
            ReferenceManifest.TypeEntry t = MANIFEST.types().get(type.name());
            assertThat(t).as("manifest entry for %s", type).isNotNull();
            for (ReferenceManifest.Case c : t.cases().values()) {
                if (c.hasData()) {
                    out.add(Arguments.of(type, c));
                }
            }
        }
        return out.stream();
    }

    @Test
    void everyLatticeTypeIsRegisteredWithItsImatrixRequirement() {
        for (GgmlType type : LATTICE_TYPES) {
            QuantCodec codec = QuantCodecs.forType(type);
            assertThat(codec.type()).isEqualTo(type);
            assertThat(codec.requiresImatrix()).as("%s requiresImatrix", type).isEqualTo(IMATRIX_REQUIRED.contains(type));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodeIsBitExactForEveryRow(GgmlType type, ReferenceManifest.Case c) {
        QuantCodec codec = QuantCodecs.forType(type);
        int rows = MANIFEST.rows();
        int cols = MANIFEST.cols();
        byte[] q = SharedAssets.bytes(ReferenceManifest.DIR + c.quantized());
        float[] expected = SharedAssets.floats(ReferenceManifest.DIR + c.dequantized());
        int rowBytes = (int) codec.rowSize(cols);
        List<String> differing = new ArrayList<>();
        float[] y = new float[cols];
        for (int r = 0; r < rows; r++) {
            codec.dequantizeRow(MemorySegment.ofArray(q), (long) r * rowBytes, y, 0, cols);
            int n = 0;
            for (int i = 0; i < cols; i++) {
                if (Float.floatToRawIntBits(y[i]) != Float.floatToRawIntBits(expected[r * cols + i])) {
                    n++;
                }
            }
            if (n > 0) {
                differing.add("row " + r + ": " + n + " values");
            }
        }
        assertThat(differing).as("%s %s rows whose decoding differs from the reference", type, c.variant()).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void encodeReproducesReferenceBlocks(GgmlType type, ReferenceManifest.Case c) {
        QuantCodec codec = QuantCodecs.forType(type);
        byte[] expected = SharedAssets.bytes(ReferenceManifest.DIR + c.quantized());
        byte[] actual = ReferenceVectorsTest.encode(codec, c);
        ReferenceVectorsTest.BlockDiff diff = ReferenceVectorsTest.BlockDiff.of(type, MANIFEST.rows(), MANIFEST.cols(),
                expected, actual);
        double rmse = ReferenceVectorsTest.rmse(codec, actual);
        System.out.printf("%s %s: %d/%d blocks equal the reference%s; RMSE %.9g (reference %.9g)%n", type, c.variant(),
                diff.totalBlocks() - diff.blockDiffs().size(), diff.totalBlocks(),
                diff.blockDiffs().isEmpty() ? "" : ", differing (row:block) " + diff.blockDiffs(), rmse, c.rmse());
        assertThat(diff.matchingFraction()).as("%s %s: %s", type, c.variant(), diff.describe())
                .isGreaterThanOrEqualTo(MIN_MATCHING_BLOCKS);
        assertThat(rmse).as("%s %s: RMSE %.9g vs reference %.9g", type, c.variant(), rmse, c.rmse())
                .isLessThanOrEqualTo(c.rmse() * MAX_RMSE_RATIO);
    }

    @Test
    void typesThatNeedAnImatrixRefuseToQuantizeWithoutOne() {
        for (GgmlType type : IMATRIX_REQUIRED) {
            ReferenceManifest.Case plain = MANIFEST.types().get(type.name()).cases().get("plain");
            assertThat(plain.hasData()).as("reference produced %s without imatrix", type).isFalse();
            QuantCodec codec = QuantCodecs.forType(type);
            byte[] out = new byte[(int) codec.rowSize(256)];
            assertThatThrownBy(() -> codec.quantize(SRC, 0, 1, 256, null, MemorySegment.ofArray(out), 0))
                    .as("%s without imatrix", type)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContainingAll(type.typeName(), "importance matrix");
        }
    }

    @Test
    void rowsThatAreNotWholeSuperBlocksAreRejected() {
        float[] x = new float[1024];
        float[] imatrix = new float[1024];
        Arrays.fill(imatrix, 1f);
        for (GgmlType type : LATTICE_TYPES) {
            QuantCodec codec = QuantCodecs.forType(type);
            for (int n : new int[]{32, 255, 257, 384}) {
                assertThatThrownBy(() -> codec.quantize(x, 0, 1, n, imatrix, MemorySegment.ofArray(new byte[4096]), 0))
                        .as("%s quantize %d", type, n)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContainingAll(type.typeName(), "row length " + n, "256");
                assertThatThrownBy(() -> codec.dequantizeRow(MemorySegment.ofArray(new byte[4096]), 0, new float[n], 0, n))
                        .as("%s dequantize %d", type, n)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContainingAll(type.typeName(), "row length " + n, "256");
            }
        }
    }

    @Test
    void concurrentQuantizationGivesTheSameBytes() throws Exception {
        int rows = MANIFEST.rows();
        int cols = MANIFEST.cols();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (GgmlType type : LATTICE_TYPES) {
                QuantCodec codec = QuantCodecs.forType(type);
                byte[] single = new byte[Math.toIntExact(rows * codec.rowSize(cols))];
                codec.quantize(SRC, 0, rows, cols, IMATRIX, MemorySegment.ofArray(single), 0);
                List<Future<byte[]>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    results.add(pool.submit(() -> {
                        byte[] out = new byte[single.length];
                        codec.quantize(SRC, 0, rows, cols, IMATRIX, MemorySegment.ofArray(out), 0);
                        return out;
                    }));
                }
                for (Future<byte[]> f : results) {
                    assertThat(f.get()).as("%s quantized on another thread", type).isEqualTo(single);
                }
            }
        }
    }

    @Test
    void multiBlockRowsEncodeBlockByBlock() {
        // two rows of the reference data concatenated into one 512-column row: same bytes per block
        int cols = MANIFEST.cols();
        float[] imatrix2 = new float[2 * cols];
        System.arraycopy(IMATRIX, 0, imatrix2, 0, cols);
        System.arraycopy(IMATRIX, 0, imatrix2, cols, cols);
        for (GgmlType type : LATTICE_TYPES) {
            QuantCodec codec = QuantCodecs.forType(type);
            int rowBytes = (int) codec.rowSize(cols);
            byte[] separate = new byte[2 * rowBytes];
            codec.quantize(SRC, 3 * cols, 2, cols, IMATRIX, MemorySegment.ofArray(separate), 0);
            byte[] joined = new byte[2 * rowBytes];
            codec.quantize(SRC, 3 * cols, 1, 2 * cols, imatrix2, MemorySegment.ofArray(joined), 0);
            assertThat(joined).as("%s 512-column row", type).isEqualTo(separate);
            float[] y = new float[2 * cols];
            codec.dequantizeRow(MemorySegment.ofArray(joined), 0, y, 0, 2 * cols);
            float[] y1 = new float[cols];
            codec.dequantizeRow(MemorySegment.ofArray(separate), rowBytes, y1, 0, cols);
            assertThat(Arrays.copyOfRange(y, cols, 2 * cols)).as("%s second block decoded", type).isEqualTo(y1);
        }
    }
}
