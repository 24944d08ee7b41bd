package io.quantarena.core.quant;

import io.quantarena.core.testsupport.SharedAssets;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference rows of {@code testdata/quant} (28 rows × 256 columns quantized by the reference
 * ik_llama.cpp build) and the figures of its {@code manifest.json}.
 */
final class QuantReferenceData {

    static final String DIR = "testdata/quant/";

    final int rows;
    final int cols;
    final float[] src;
    final float[] imatrix;
    private final String manifest;

    private QuantReferenceData() {
        manifest = SharedAssets.text(DIR + "manifest.json");
        rows = intField(manifest, "rows");
        cols = intField(manifest, "cols");
        src = SharedAssets.floats(DIR + "src.f32");
        imatrix = SharedAssets.floats(DIR + "imatrix.f32");
        if (src.length != rows * cols || imatrix.length != cols) {
            throw new IllegalStateException("src.f32/imatrix.f32 sizes " + src.length + "/" + imatrix.length
                    + " do not match manifest rows=" + rows + " cols=" + cols);
        }
    }

    private static final class Holder {
        static final QuantReferenceData INSTANCE = new QuantReferenceData();
    }

    static QuantReferenceData get() {
        return Holder.INSTANCE;
    }

    /** The reference quantized bytes of {@code type} ("IQ4_KS") for variant "plain" or "imatrix". */
    byte[] quantized(String type, String variant) {
        return SharedAssets.bytes(DIR + type + "." + variant + ".q");
    }

    float[] dequantized(String type, String variant) {
        return SharedAssets.floats(DIR + type + "." + variant + ".deq.f32");
    }

    /** The reference RMSE of the case as the manifest states it. */
    double rmse(String type, String variant) {
        return Double.parseDouble(caseField(type, variant, "rmse"));
    }

    int rowBytes(String type, String variant) {
        return Integer.parseInt(caseField(type, variant, "row_bytes"));
    }

    /** A scalar field of types.TYPE.VARIANT; the manifest's layout is fixed, so a scan suffices. */
    private String caseField(String type, String variant, String field) {
        int t = manifest.indexOf("\"" + type + "\":");
        if (t < 0) {
            throw new IllegalArgumentException("type " + type + " not in manifest.json");
        }
        int v = manifest.indexOf("\"" + variant + "\":", t);
        int end = manifest.indexOf('}', v);
        Matcher m = Pattern.compile("\"" + field + "\":\\s*([-+0-9.eE]+)").matcher(manifest);
        if (v < 0 || !m.find(v) || m.start() > end) {
            throw new IllegalArgumentException("no " + field + " for " + type + "/" + variant + " in manifest.json");
        }
        return m.group(1);
    }

    private static int intField(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\s*(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + name + " in manifest.json");
        }
        return Integer.parseInt(m.group(1));
    }

    static double rmse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s / a.length);
    }
}
