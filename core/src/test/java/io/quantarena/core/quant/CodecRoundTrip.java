package io.quantarena.core.quant;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** Whole-chunk encoding and decoding through a codec, and the error measures the quant tests share. */
final class CodecRoundTrip {

    private CodecRoundTrip() {
    }

    /** Quantizes {@code rows} rows of {@code n} from {@code x[xOff]} in one call (one chunk, as ggml_quantize_chunk). */
    static byte[] encode(QuantCodec codec, float[] x, int xOff, int rows, int n, float[] imatrix) {
        byte[] out = new byte[Math.toIntExact(rows * codec.rowSize(n))];
        codec.quantize(x, xOff, rows, n, imatrix, MemorySegment.ofArray(out), 0);
        return out;
    }

    /** All rows of src.f32 quantized in one chunk, as the reference did for {@code c}. */
    static byte[] encodeReference(QuantCodec codec, ReferenceManifest.Case c) {
        ReferenceManifest m = ReferenceManifest.get();
        return encode(codec, ReferenceManifest.src(), 0, m.rows(), m.cols(), c.imatrixOrNull());
    }

    /** Decodes {@code rows} rows of {@code n} values, row by row. */
    static float[] decode(QuantCodec codec, byte[] q, int rows, int n) {
        long rowBytes = codec.rowSize(n);
        float[] out = new float[rows * n];
        MemorySegment seg = MemorySegment.ofArray(q);
        for (int r = 0; r < rows; r++) {
            codec.dequantizeRow(seg, r * rowBytes, out, r * n, n);
        }
        return out;
    }

    /** Root mean square of a − b, accumulated in double. */
    static double rmse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s / a.length);
    }

    /** Root mean square of x. */
    static double rms(float[] x) {
        return rmse(x, new float[x.length]);
    }

    /** "row r col c: actual != expected" for every value whose bits differ ({@code cols} values per row). */
    static List<String> differingValues(float[] expected, float[] actual, int cols) {
        List<String> diffs = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                diffs.add("row " + i / cols + " col " + i % cols + ": " + actual[i] + " != " + expected[i]);
            }
        }
        return diffs;
    }
}
