package io.quantarena.core.model;

import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.quant.UnsignedLevelBlocks;
import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PairSaturationTest {

    private static final int QK = 256;

    /**
     * Products of the non-linear 4/5-bit types equal the reference's integer kernel: Q8_K
     * activations, unsigned levels u = level + 128 multiplied in adjacent pairs whose sums clamp
     * to int16, the sub-block scales, and the offset (shift − 128)·Σq taken back exactly.
     * Activations with runs of large values of one sign make the clamping visible next to the
     * exact product.
     */
    @ParameterizedTest
    @ValueSource(strings = {"IQ4_XS", "IQ4_KS", "IQ4_KSS", "IQ4_K", "IQ5_K", "IQ5_KS", "IQ6_K"})
    void productsClampEachPairSumToInt16LikeTheReferenceKernel(String name) {
        GgmlType type = GgmlType.valueOf(name);
        int rows = 16;
        int cols = 2 * QK;
        int n = 3;
        Random rnd = new Random(5);
        float[] wf = new float[rows * cols];
        for (int i = 0; i < wf.length; i++) {
            wf[i] = (float) rnd.nextGaussian();
        }
        float[] imatrix = new float[cols];
        Arrays.fill(imatrix, 1f);
        long rowBytes = type.rowSize(cols);
        MemorySegment wq = MemorySegment.ofArray(new byte[Math.toIntExact(rowBytes * rows)]);
        QuantCodecs.forType(type).quantize(wf, 0, rows, cols, imatrix, wq, 0);
        float[] deq = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            QuantCodecs.forType(type).dequantizeRowForProducts(wq, r * rowBytes, deq, r * cols, cols);
        }
        float[] x = new float[n * cols];
        for (int i = 0; i < x.length; i++) {
            // small values with runs of large positive and negative ones
            x[i] = (i / 8) % 5 == 0 ? 2.5f + 0.5f * rnd.nextFloat() : (i / 8) % 5 == 2 ? -2.5f - 0.5f * rnd.nextFloat()
                    : 0.2f * (float) rnd.nextGaussian();
        }
        float[] y = new float[n * rows];
        try (CpuBackend be = CpuBackend.forEvaluation(1)) {
            be.matMul(new Weight("w", type, wq, rows, cols), x, n, y);
        }

        byte[] block = new byte[UnsignedLevelBlocks.MAX_BLOCK_BYTES];
        int[] levels = new int[QK];
        double worstClamped = 0;
        double worstExact = 0;
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < rows; r++) {
                double clamped = 0;
                double exact = 0;
                long row = r * rowBytes;
                for (int b = 0; b < cols / QK; b++) {
                    int x0 = t * cols + QK * b;
                    float amax = 0;
                    for (int e = 0; e < QK; e++) {
                        amax = Math.max(amax, Math.abs(x[x0 + e]));
                    }
                    float iscale = 127f / amax;
                    float dx = amax / 127f;
                    int[] q = new int[QK];
                    for (int e = 0; e < QK; e++) {
                        q[e] = (int) Math.rint(x[x0 + e] * iscale);
                    }
                    long blk = UnsignedLevelBlocks.blockOffset(type, row, b);
                    float d = UnsignedLevelBlocks.blockScale(type, wq, row, blk);
                    UnsignedLevelBlocks.unsignedLevels(type, wq, blk, block, levels);
                    long sumClamped = 0;
                    long sumExact = 0;
                    for (int e = 0; e < QK; e += 2) {
                        int s = UnsignedLevelBlocks.scale(type, wq, blk, e);
                        int u1 = levels[e];
                        int u2 = levels[e + 1];
                        int pair = u1 * q[e] + u2 * q[e + 1];
                        sumClamped += (long) s * Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, pair));
                        sumExact += (long) s * pair;
                        // the offset: the stored value is d·s·(u − 128 + shift)
                        for (int k = 0; k < 2; k++) {
                            int u = k == 0 ? u1 : u2;
                            float dl = d * s;
                            int level = dl == 0 ? u - 128 : Math.round(deq[r * cols + QK * b + e + k] / dl);
                            long offset = (long) s * (level - u) * q[e + k];
                            sumClamped += offset;
                            sumExact += offset;
                        }
                    }
                    clamped += (double) d * dx * sumClamped;
                    exact += (double) d * dx * sumExact;
                }
                worstClamped = Math.max(worstClamped, Math.abs(y[t * rows + r] - clamped));
                worstExact = Math.max(worstExact, Math.abs(y[t * rows + r] - exact));
            }
        }
        assertThat(worstClamped).isLessThan(2e-3);
        assertThat(worstExact).as("the clamping must be visible in this test").isGreaterThan(100 * worstClamped);
    }
}
