package io.quantarena.core.kernel;

import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reference backend: every weight row is decoded with its format's {@link QuantCodec} and
 * multiplied with a plain float loop, single-threaded. Slow and obviously right; the optimized
 * backends are tested against it.
 */
public final class ScalarMatrixKernels implements MatrixKernels {

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Plain float dot product in index order. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void matVec(WeightMatrix w, float[] x, float[] y, long rowFrom, long rowTo) {
        QuantCodec codec = QuantCodecs.forType(w.type());
        int cols = w.columns();
        float[] row = new float[cols];
        for (long r = rowFrom; r < rowTo; r++) {
            codec.dequantizeRowForProducts(w.data(), w.rowOffset(r), row, 0, cols);
            y[(int) (r - rowFrom)] = dot(row, 0, x, 0, cols);
        }
    }

    @Override
    public void matVec(WeightMatrix w, QuantizedVector x, float[] y, long rowFrom, long rowTo) {
        matVec(w, dequantize(x, 0), y, rowFrom, rowTo);
    }

    @Override
    public void matMul(WeightMatrix w, float[] x, int n, float[] y, long rowFrom, long rowTo) {
        QuantCodec codec = QuantCodecs.forType(w.type());
        int cols = w.columns();
        int m = (int) (rowTo - rowFrom);
        float[] row = new float[cols];
        for (long r = rowFrom; r < rowTo; r++) {
            codec.dequantizeRowForProducts(w.data(), w.rowOffset(r), row, 0, cols);
            for (int j = 0; j < n; j++) {
                y[j * m + (int) (r - rowFrom)] = dot(row, 0, x, j * cols, cols);
            }
        }
    }

    /** Activation quantization as spec §6.6 (runtime Q8_K) and its 32-block Q8_0 analogue, element by element. */
    @Override
    public void quantizeActivations(float[] x, QuantizedVector dst) {
        MemorySegment s = dst.data();
        int bs = dst.type().blockSize();
        long bytes = dst.type().bytesPerBlock();
        for (int r = 0; r < dst.count(); r++) {
            for (int b = 0; b < dst.n() / bs; b++) {
                int o = r * dst.n() + b * bs;
                long at = r * dst.vectorBytes() + b * bytes;
                float amax = 0;
                for (int i = 0; i < bs; i++) {
                    amax = Math.max(amax, Math.abs(x[o + i]));
                }
                float d = amax / 127f;
                if (dst.type() == GgmlType.Q8_0) {
                    float id = d != 0 ? 1f / d : 0f;
                    s.set(LE_SHORT, at, Float.floatToFloat16(d));
                    for (int i = 0; i < bs; i++) {
                        s.set(ValueLayout.JAVA_BYTE, at + 2 + i, (byte) Math.rint(x[o + i] * id));
                    }
                } else {
                    float iscale = amax != 0 ? 127f / amax : 0f;
                    int total = 0;
                    for (int g = 0; g < 16; g++) {
                        int sum = 0;
                        for (int i = 16 * g; i < 16 * g + 16; i++) {
                            int q = (int) Math.rint(x[o + i] * iscale);
                            s.set(ValueLayout.JAVA_BYTE, at + 8 + i, (byte) q);
                            sum += q;
                        }
                        s.set(LE_SHORT, at + 264 + 2 * g, (short) sum);
                        total += sum;
                    }
                    s.set(LE_FLOAT, at, amax != 0 ? d : 0f);
                    s.set(LE_FLOAT, at + 4, amax != 0 ? d * total : 0f);
                }
            }
        }
    }

    /** Vector {@code row} of {@code x} as floats: d·q per block. */
    public static float[] dequantize(QuantizedVector x, int row) {
        float[] out = new float[x.n()];
        MemorySegment s = x.data();
        int bs = x.type().blockSize();
        for (int b = 0; b < x.n() / bs; b++) {
            long at = row * x.vectorBytes() + (long) b * x.type().bytesPerBlock();
            boolean q80 = x.type() == GgmlType.Q8_0;
            float d = q80 ? Float.float16ToFloat(s.get(LE_SHORT, at)) : s.get(LE_FLOAT, at);
            long qs = at + (q80 ? 2 : 8);
            for (int i = 0; i < bs; i++) {
                out[b * bs + i] = d * s.get(ValueLayout.JAVA_BYTE, qs + i);
            }
        }
        return out;
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public void close() {
    }
}
