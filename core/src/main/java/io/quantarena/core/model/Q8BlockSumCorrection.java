package io.quantarena.core.model;

import io.quantarena.core.kernel.QuantizedVector;
import io.quantarena.core.kernel.cpu.KernelThreadPool;
import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The rounding the reference runtime adds to Q8_0 × Q8_0 products ({@link
 * ActivationFormat#Q8_0_BF16_SUM}): it multiplies the unsigned weights w + 128 with the
 * activations and subtracts 128·d_w·s with the block sum s = d_x·Σq rounded to bf16, so each
 * 32-element block contributes an extra 128·d_w·(s − bf16(s)). Our kernels form the exact
 * product; this adds that term. Weight rows are split over the kernel threads (each row's
 * terms are added in the same order whatever the split). Scratch grows with the largest call;
 * not thread-safe.
 */
final class Q8BlockSumCorrection {

    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 34;
    private static final float WEIGHT_OFFSET = 128f;
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Rows per task: enough to amortise waking a worker, few enough to balance two threads. */
    private static final int ROWS_PER_TASK = 64;

    private final KernelThreadPool pool;
    private float[] sumErrors = new float[0];
    /** Per worker: 128·d_w of the blocks of the row it is on. */
    private final float[][] weightScales;

    Q8BlockSumCorrection(KernelThreadPool pool) {
        this.pool = pool;
        this.weightScales = new float[pool.threads()][0];
    }

    /**
     * Adds the term to {@code y[t·rows + r]} for the {@code n} activation rows of {@code x}
     * (Q8_0, as the product consumed them) and the Q8_0 weight {@code w}.
     */
    void apply(Weight w, QuantizedVector x, int n, float[] y) {
        if (w.type() != GgmlType.Q8_0 || x.type() != GgmlType.Q8_0) {
            throw new IllegalArgumentException("block-sum correction needs q8_0 weights and activations, got "
                    + w.type().typeName() + " x " + x.type().typeName());
        }
        int nb = w.cols() / BLOCK;
        if (sumErrors.length < n * nb) {
            sumErrors = new float[n * nb];
        }
        MemorySegment a = x.data();
        for (int t = 0; t < n; t++) {
            long row = t * x.vectorBytes();
            for (int b = 0; b < nb; b++) {
                long p = row + (long) b * BLOCK_BYTES;
                float d = Float.float16ToFloat(a.get(LE_SHORT, p));
                int q = 0;
                for (int j = 0; j < BLOCK; j++) {
                    q += a.get(ValueLayout.JAVA_BYTE, p + 2 + j);
                }
                float s = d * q;
                sumErrors[t * nb + b] = s - CpuBackend.roundToBf16(s);
            }
        }
        MemorySegment data = w.data();
        int rows = w.rows();
        float[] errors = sumErrors;
        int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        pool.run(tasks, (worker, task) -> {
            if (weightScales[worker].length < nb) {
                weightScales[worker] = new float[nb];
            }
            float[] scales = weightScales[worker];
            for (int r = task * ROWS_PER_TASK, end = Math.min(rows, r + ROWS_PER_TASK); r < end; r++) {
                long row = r * w.rowBytes();
                for (int b = 0; b < nb; b++) {
                    scales[b] = WEIGHT_OFFSET * Float.float16ToFloat(data.get(LE_SHORT, row + (long) b * BLOCK_BYTES));
                }
                // block by block into y; the order is arbitrary (Q8 activations make last-bit changes chaotic),
                // this one reproduced the reference's same-top-token count. Four tokens at a time: four
                // independent addition chains instead of one waiting on the adder's latency.
                int t = 0;
                for (; t + 4 <= n; t += 4) {
                    int e = t * nb;
                    float a0 = y[t * rows + r], a1 = y[(t + 1) * rows + r], a2 = y[(t + 2) * rows + r], a3 = y[(t + 3) * rows + r];
                    for (int b = 0; b < nb; b++) {
                        float sc = scales[b];
                        a0 += sc * errors[e + b];
                        a1 += sc * errors[e + nb + b];
                        a2 += sc * errors[e + 2 * nb + b];
                        a3 += sc * errors[e + 3 * nb + b];
                    }
                    y[t * rows + r] = a0;
                    y[(t + 1) * rows + r] = a1;
                    y[(t + 2) * rows + r] = a2;
                    y[(t + 3) * rows + r] = a3;
                }
                for (; t < n; t++) {
                    int e = t * nb;
                    float acc = y[t * rows + r];
                    for (int b = 0; b < nb; b++) {
                        acc += scales[b] * errors[e + b];
                    }
                    y[t * rows + r] = acc;
                }
            }
        });
    }
}
