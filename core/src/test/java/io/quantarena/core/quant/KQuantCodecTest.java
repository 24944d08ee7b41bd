package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour of the K-quant codecs that needs no reference file. */
class KQuantCodecTest {

    enum KType {
        Q2_K(0.47), Q3_K(0.24), Q4_K(0.135), Q5_K(0.07), Q6_K(0.04);

        /** Upper bound of rmse / rms(x) on the random rows below (the worst observed is ~25% lower). */
        final double maxRelativeRmse;

        KType(double maxRelativeRmse) {
            this.maxRelativeRmse = maxRelativeRmse;
        }

        GgmlType type() {
            return GgmlType.valueOf(name());
        }

        QuantCodec codec() {
            return QuantCodecs.forType(type());
        }
    }

    private static byte[] encode(QuantCodec c, float[] x, int nrows, int nPerRow, float[] imatrix) {
        byte[] out = new byte[(int) (nrows * c.rowSize(nPerRow))];
        c.quantize(x, 0, nrows, nPerRow, imatrix, MemorySegment.ofArray(out), 0);
        return out;
    }

    private static float[] decode(QuantCodec c, byte[] q, int nrows, int nPerRow) {
        float[] y = new float[nrows * nPerRow];
        for (int r = 0; r < nrows; r++) {
            c.dequantizeRow(MemorySegment.ofArray(q), r * c.rowSize(nPerRow), y, r * nPerRow, nPerRow);
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(KType.class)
    void registeredForItsType(KType k) {
        assertThat(QuantCodecs.isSupported(k.type())).isTrue();
        assertThat(k.codec().type()).isEqualTo(k.type());
        assertThat(k.codec().requiresImatrix()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(KType.class)
    void rejectsRowsThatAreNotWholeSuperBlocks(KType k) {
        QuantCodec c = k.codec();
        MemorySegment dst = MemorySegment.ofArray(new byte[4096]);
        assertThatThrownBy(() -> c.quantize(new float[320], 0, 1, 320, null, dst, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(k.type().typeName()).hasMessageContaining("320").hasMessageContaining("256");
        assertThatThrownBy(() -> c.dequantizeRow(dst, 0, new float[320], 0, 320))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(k.type().typeName()).hasMessageContaining("320").hasMessageContaining("256");
        assertThatThrownBy(() -> c.quantize(new float[512], 0, 1, 512, new float[256], dst, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imatrix has 256");
        assertThatThrownBy(() -> c.quantize(new float[512], 0, 2, 512, null, MemorySegment.ofArray(new byte[10]), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("destination");
        // the checks shared with the other codecs (QuantArgs) also cover these
        assertThatThrownBy(() -> c.quantize(new float[512], -1, 1, 256, null, dst, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset -1");
        assertThatThrownBy(() -> c.dequantizeRow(dst, 0, new float[256], 1, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("destination of 256 floats");
    }

    /** The reference writes all-zero bytes for an all-zero super-block (d = +0, not −0). */
    @ParameterizedTest
    @EnumSource(KType.class)
    void allZeroSuperBlocksEncodeToZeroBytes(KType k) {
        QuantCodec c = k.codec();
        int n = 512;
        float[] x = gaussianRows(new Random(7), 3, n, 0.05f);
        Arrays.fill(x, n, 2 * n, 0f);                 // row 1 entirely zero
        Arrays.fill(x, 2 * n + 256, 3 * n, 0f);       // second super-block of row 2 zero
        float[] imatrix = positiveWeights(new Random(8), n);
        int bpb = k.type().bytesPerBlock();
        for (float[] qw : new float[][]{null, imatrix}) {
            byte[] q = encode(c, x, 3, n, qw);
            for (int block : new int[]{2, 3, 5}) {
                byte[] b = Arrays.copyOfRange(q, block * bpb, (block + 1) * bpb);
                assertThat(b).as("%s block %d (imatrix %s)", k, block, qw != null).containsOnly((byte) 0);
            }
            float[] y = decode(c, q, 3, n);
            for (int i = n; i < 2 * n; i++) {
                assertThat(y[i]).isEqualTo(0f);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KType.class)
    void randomRowsRoundTripWithBoundedError(KType k) {
        QuantCodec c = k.codec();
        Random rnd = new Random(42 + k.ordinal());
        int n = 1024;
        int rows = 12;
        float[][] inputs = {
                gaussianRows(rnd, rows, n, 0.02f),
                logNormalRows(rnd, rows, n),
                shiftedRows(rnd, rows, n),
        };
        float[] imatrix = positiveWeights(rnd, n);
        for (float[] x : inputs) {
            for (float[] qw : new float[][]{null, imatrix}) {
                float[] y = decode(c, encode(c, x, rows, n, qw), rows, n);
                double rms = KQuantReferenceTest.rmse(x, new float[x.length]);
                double err = KQuantReferenceTest.rmse(x, y);
                float amax = 0;
                for (float v : x) {
                    amax = Math.max(amax, Math.abs(v));
                }
                for (int i = 0; i < y.length; i++) {
                    assertThat(Float.isFinite(y[i])).as("%s element %d finite", k, i).isTrue();
                    assertThat(Math.abs(y[i] - x[i])).as("%s element %d", k, i).isLessThanOrEqualTo(2 * amax);
                }
                assertThat(err / rms).as("%s relative rmse (imatrix %s)", k, qw != null)
                        .isLessThan(k.maxRelativeRmse);
            }
        }
    }

    /** Encoding is stateless: chunks quantized concurrently equal one sequential call. */
    @ParameterizedTest
    @EnumSource(KType.class)
    void concurrentChunksMatchOneCall(KType k) throws Exception {
        QuantCodec c = k.codec();
        int n = 512;
        int rows = 16;
        float[] x = logNormalRows(new Random(3), rows, n);
        float[] imatrix = positiveWeights(new Random(4), n);
        long rowBytes = c.rowSize(n);
        for (float[] qw : new float[][]{null, imatrix}) {
            byte[] whole = encode(c, x, rows, n, qw);
            byte[] chunked = new byte[whole.length];
            MemorySegment dst = MemorySegment.ofArray(chunked);
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<?>> futures = new java.util.ArrayList<>();
                for (int r = 0; r < rows; r += 2) {
                    int row = r;
                    futures.add(pool.submit(() -> c.quantize(x, row * n, 2, n, qw, dst, row * rowBytes)));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            }
            assertThat(chunked).as("%s imatrix %s", k, qw != null).isEqualTo(whole);
        }
    }

    /**
     * Q2_K's reference encoder switches the whole chunk to the ternary code {−M, 0, +M} when
     * that explains over 90% of the energy (§6.1 TriNet), and only then.
     */
    @Test
    void q2kTernaryChunkUsesTriNetCode() {
        QuantCodec c = KType.Q2_K.codec();
        int n = 256;
        int rows = 4;
        Random rnd = new Random(11);
        float m = 0.5f; // exact in fp16, so decoding reproduces ±M and 0 exactly
        float[] x = new float[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (rnd.nextInt(3) - 1) * m * (1 + 0.02f * (float) rnd.nextGaussian());
        }
        x[0] = m; // M = max|x| is exactly 0.5
        for (int i = 1; i < x.length; i++) {
            x[i] = Math.max(-m, Math.min(m, x[i]));
        }
        byte[] q = encode(c, x, rows, n, null);
        float[] y = decode(c, q, rows, n);
        for (int b = 0; b < rows; b++) {
            assertThat(Arrays.copyOfRange(q, b * 84, b * 84 + 16)).containsOnly((byte) 0x11);
        }
        for (int i = 0; i < x.length; i++) {
            float t = x[i] < -0.5f * m ? -m : x[i] < 0.5f * m ? 0 : m;
            assertThat(y[i]).isEqualTo(t);
        }
        // the same rows plus one Gaussian row are no longer ternary as a chunk
        float[] mixed = Arrays.copyOf(x, (rows + 1) * n);
        System.arraycopy(gaussianRows(rnd, 1, n, 0.3f), 0, mixed, rows * n, n);
        byte[] q2 = encode(c, mixed, rows + 1, n, null);
        assertThat(Arrays.copyOfRange(q2, 0, 16)).isNotEqualTo(Arrays.copyOfRange(q, 0, 16));
        // and the imatrix encoder never uses the shortcut
        byte[] qi = encode(c, x, rows, n, positiveWeights(rnd, n));
        assertThat(Arrays.copyOfRange(qi, 0, 16)).isNotEqualTo(Arrays.copyOfRange(q, 0, 16));
    }

    @ParameterizedTest
    @EnumSource(KType.class)
    void honoursSourceAndDestinationOffsets(KType k) {
        QuantCodec c = k.codec();
        int n = 256;
        float[] x = logNormalRows(new Random(5), 2, n);
        byte[] plain = encode(c, x, 2, n, null);
        float[] shifted = new float[x.length + 64];
        System.arraycopy(x, 0, shifted, 64, x.length);
        byte[] out = new byte[plain.length + 13];
        c.quantize(shifted, 64, 2, n, null, MemorySegment.ofArray(out), 13);
        assertThat(Arrays.copyOfRange(out, 13, out.length)).isEqualTo(plain);
        float[] y = new float[n + 5];
        c.dequantizeRow(MemorySegment.ofArray(out), 13 + c.rowSize(n), y, 5, n);
        assertThat(Arrays.copyOfRange(y, 5, n + 5)).isEqualTo(Arrays.copyOfRange(decode(c, plain, 2, n), n, 2 * n));
    }

    static float[] gaussianRows(Random rnd, int rows, int n, float sigma) {
        float[] x = new float[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = sigma * (float) rnd.nextGaussian();
        }
        return x;
    }

    /** Random signs with log-normal magnitudes: heavy tails, as in LLM weights. */
    static float[] logNormalRows(Random rnd, int rows, int n) {
        float[] x = new float[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (rnd.nextBoolean() ? 1 : -1) * 0.01f * (float) Math.exp(1.2 * rnd.nextGaussian());
        }
        return x;
    }

    /** All-positive rows with an offset (exercises the min > 0 clamp) and a few outliers. */
    static float[] shiftedRows(Random rnd, int rows, int n) {
        float[] x = new float[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.3f + 0.05f * Math.abs((float) rnd.nextGaussian());
            if (rnd.nextInt(97) == 0) {
                x[i] *= 6;
            }
        }
        return x;
    }

    static float[] positiveWeights(Random rnd, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) Math.exp(rnd.nextGaussian());
        }
        return w;
    }
}
