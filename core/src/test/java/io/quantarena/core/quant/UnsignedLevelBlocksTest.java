package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

class UnsignedLevelBlocksTest {

    /**
     * On the reference's own rows, d·scale·(u − 128 + s) reproduces the reference dequantization
     * of every element, where s is 0 or the type's table shift (the shifted tables are the
     * unshifted ones plus a constant) — so u, the scale and d are what the integer kernels use.
     */
    @ParameterizedTest
    @CsvSource({"IQ4_XS, 0", "IQ4_KS, 4", "IQ4_KSS, 4", "IQ4_K, 4", "IQ5_K, 2", "IQ5_KS, 2", "IQ6_K, 1"})
    void unsignedLevelsScalesAndBlockScalesRebuildTheReferenceDequantization(String name, int shift) {
        GgmlType type = GgmlType.valueOf(name);
        assertThat(UnsignedLevelBlocks.covers(type)).isTrue();
        ReferenceManifest manifest = ReferenceManifest.get();
        ReferenceManifest.Case c = manifest.referenceCase(name, "imatrix");
        MemorySegment w = MemorySegment.ofArray(c.quantizedBytes());
        int cols = manifest.cols();
        long rowBytes = type.rowSize(cols);
        // IQ6_K's kernels use its int8 level table, its row dequantizer (the .deq.f32 file) a polynomial
        float[] deq = type == GgmlType.IQ6_K ? productDecoding(w, type, manifest.rows(), cols) : c.dequantizedValues();
        byte[] block = new byte[UnsignedLevelBlocks.MAX_BLOCK_BYTES];
        int[] levels = new int[256];
        int shifted = 0;
        int maxU = 0;
        for (int r = 0; r < manifest.rows(); r++) {
            long row = r * rowBytes;
            for (int b = 0; b < cols / 256; b++) {
                long blk = UnsignedLevelBlocks.blockOffset(type, row, b);
                float d = UnsignedLevelBlocks.blockScale(type, w, row, blk);
                UnsignedLevelBlocks.unsignedLevels(type, w, blk, block, levels);
                for (int e = 0; e < 256; e++) {
                    int u = levels[e];
                    int scale = UnsignedLevelBlocks.scale(type, w, blk, e);
                    float dl = d * scale;
                    float expected = deq[r * cols + 256 * b + e];
                    float plain = dl * (u - 128);
                    float withShift = dl * (u - 128 + shift);
                    // compared with == so that 0 and -0 (a zero scale) count as equal
                    assertThat(expected == plain || expected == withShift)
                            .as("%s row %d element %d: reference %s, u %d, scale %d, d %s", name, r, 256 * b + e,
                                    expected, u, scale, d)
                            .isTrue();
                    if (expected != plain) {
                        shifted++;
                    }
                    assertThat(u).isBetween(0, 255);
                    maxU = Math.max(maxU, u);
                }
            }
        }
        assertThat(maxU).isLessThanOrEqualTo(UnsignedLevelBlocks.maxUnsigned(type));
        if (shift > 0) {
            assertThat(shifted).as("the rows must exercise the shifted tables").isPositive();
        }
    }

    private static float[] productDecoding(MemorySegment w, GgmlType type, int rows, int cols) {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            QuantCodecs.forType(type).dequantizeRowForProducts(w, r * type.rowSize(cols), out, r * cols, cols);
        }
        return out;
    }
}
