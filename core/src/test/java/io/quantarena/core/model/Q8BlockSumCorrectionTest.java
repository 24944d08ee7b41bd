package io.quantarena.core.model;

import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Q8BlockSumCorrectionTest {

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * An evaluation backend's Q8_0 product equals the reference runtime's: unsigned weights (w + 128) times the Q8_0
     * activations, minus 128·d_w·bf16(d_x·Σq) per block; all-positive activations make the bf16
     * rounding of the block sums clearly visible next to the exact product.
     */
    @Test
    void q8_0ProductsTakeTheOffsetBackWithBf16BlockSums() {
        // 70 rows: two tasks of the row split; 6 tokens: a group of four and two single ones
        int rows = 70;
        int cols = 128;
        int n = 6;
        Random rnd = new Random(11);
        float[] wf = new float[rows * cols];
        for (int i = 0; i < wf.length; i++) {
            wf[i] = (float) rnd.nextGaussian();
        }
        MemorySegment wq = MemorySegment.ofArray(new byte[(int) GgmlType.Q8_0.rowSize(cols) * rows]);
        QuantCodecs.forType(GgmlType.Q8_0).quantize(wf, 0, rows, cols, null, wq, 0);
        float[] x = new float[n * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.5f + rnd.nextFloat();
        }
        float[] y = new float[n * rows];
        float[] generation = new float[n * rows];
        try (CpuBackend be = CpuBackend.forEvaluation(2); CpuBackend gen = new CpuBackend(1)) {
            be.matMul(new Weight("w", GgmlType.Q8_0, wq, rows, cols), x, n, y);
            gen.matMul(new Weight("w", GgmlType.Q8_0, wq, rows, cols), x, n, generation);
        }

        double worstWith = 0;
        double worstWithout = 0;
        double worstGeneration = 0;
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < rows; r++) {
                double with = 0;
                double without = 0;
                for (int b = 0; b < cols / 32; b++) {
                    long p = (long) r * GgmlType.Q8_0.rowSize(cols) + 34L * b;
                    double dw = Float.float16ToFloat(wq.get(LE_SHORT, p));
                    float amax = 0;
                    for (int j = 0; j < 32; j++) {
                        amax = Math.max(amax, Math.abs(x[t * cols + 32 * b + j]));
                    }
                    float d = amax / 127f;
                    float id = 1f / d;
                    float dx = Float.float16ToFloat(Float.floatToFloat16(d));
                    long unsignedDot = 0;
                    int qsum = 0;
                    for (int j = 0; j < 32; j++) {
                        int q = (int) Math.rint(x[t * cols + 32 * b + j] * id);
                        int w = wq.get(ValueLayout.JAVA_BYTE, p + 2 + j);
                        unsignedDot += (long) (w + 128) * q;
                        qsum += q;
                    }
                    float s = dx * qsum;
                    with += dw * (dx * unsignedDot - 128.0 * CpuBackend.roundToBf16(s));
                    without += dw * (dx * unsignedDot - 128.0 * s);
                }
                worstWith = Math.max(worstWith, Math.abs(y[t * rows + r] - with));
                worstWithout = Math.max(worstWithout, Math.abs(y[t * rows + r] - without));
                worstGeneration = Math.max(worstGeneration, Math.abs(generation[t * rows + r] - without));
            }
        }
        assertThat(worstWith).isLessThan(1e-4);
        assertThat(worstWithout).as("the bf16 block sums must be visible in this test").isGreaterThan(20 * worstWith);
        // generation and serving skip the emulation: the exact product of the Q8_0-rounded activations
        assertThat(worstGeneration).isLessThan(1e-4);
    }
}
