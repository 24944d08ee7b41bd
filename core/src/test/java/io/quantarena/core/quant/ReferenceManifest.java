package io.quantarena.core.quant;

import io.quantarena.core.testsupport.MiniJson;
import io.quantarena.core.testsupport.SharedAssets;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference vectors of {@code testdata/quant}: {@code src.f32} (rows × cols floats, 28 × 256)
 * and its per-column importance weights {@code imatrix.f32}, quantized by the reference
 * ik_llama.cpp build, and {@code manifest.json}, which names per type and variant ("plain" = no
 * imatrix, "imatrix") the reference files and RMSE, or the reason the reference produced none.
 * The one reader of these files for the quant tests; everything is read once.
 */
record ReferenceManifest(int rows, int cols, Map<String, TypeEntry> types) {

    static final String DIR = "testdata/quant/";

    /** One type: its manifest key (e.g. "Q4_0"), ggml id and cases by variant. */
    record TypeEntry(String name, int ggmlType, Map<String, Case> cases) {
    }

    /** One reference case; {@code error} is non-null when the reference refused to produce it. */
    record Case(String variant, String quantized, String dequantized, long rowBytes, double rmse, String error) {
        boolean hasData() {
            return error == null;
        }

        /** The reference's quantized rows. */
        byte[] quantizedBytes() {
            return SharedAssets.bytes(DIR + quantized);
        }

        /** The reference's decoding of {@link #quantizedBytes()}. */
        float[] dequantizedValues() {
            return SharedAssets.floats(DIR + dequantized);
        }

        /** The importance weights the reference quantized this case with, or null for "plain". */
        float[] imatrixOrNull() {
            return variant.equals("imatrix") ? ReferenceManifest.imatrix() : null;
        }
    }

    static ReferenceManifest get() {
        return Loaded.MANIFEST;
    }

    /** src.f32, all rows (shared: do not modify). */
    static float[] src() {
        return Loaded.SRC;
    }

    /** imatrix.f32, one weight per column (shared: do not modify). */
    static float[] imatrix() {
        return Loaded.IMATRIX;
    }

    /** The case of {@code type} (manifest key, e.g. "IQ4_KS") and {@code variant}; fails if the manifest has none. */
    Case referenceCase(String type, String variant) {
        TypeEntry t = types.get(type);
        Case c = t == null ? null : t.cases().get(variant);
        if (c == null) {
            throw new IllegalArgumentException("no case " + type + "/" + variant + " in " + DIR + "manifest.json");
        }
        return c;
    }

    private static final class Loaded {
        static final ReferenceManifest MANIFEST = load();
        static final float[] SRC = SharedAssets.floats(DIR + "src.f32");
        static final float[] IMATRIX = SharedAssets.floats(DIR + "imatrix.f32");

        static {
            if (SRC.length != MANIFEST.rows() * MANIFEST.cols() || IMATRIX.length != MANIFEST.cols()) {
                throw new IllegalStateException("src.f32/imatrix.f32 sizes " + SRC.length + "/" + IMATRIX.length
                        + " do not match manifest rows=" + MANIFEST.rows() + " cols=" + MANIFEST.cols());
            }
        }
    }

    private static ReferenceManifest load() {
        Map<String, Object> root = MiniJson.object(MiniJson.parse(SharedAssets.text(DIR + "manifest.json")));
        Map<String, TypeEntry> types = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : MiniJson.object(root.get("types")).entrySet()) {
            Map<String, Object> t = MiniJson.object(e.getValue());
            Map<String, Case> cases = new LinkedHashMap<>();
            for (Map.Entry<String, Object> c : t.entrySet()) {
                if (c.getValue() instanceof Map<?, ?> m) {
                    cases.put(c.getKey(), new Case(c.getKey(), (String) m.get("quantized"), (String) m.get("dequantized"),
                            m.get("row_bytes") == null ? -1 : ((Double) m.get("row_bytes")).longValue(),
                            m.get("rmse") == null ? Double.NaN : (Double) m.get("rmse"), (String) m.get("error")));
                }
            }
            types.put(e.getKey(), new TypeEntry(e.getKey(), ((Double) t.get("ggml_type")).intValue(), cases));
        }
        return new ReferenceManifest(((Double) root.get("rows")).intValue(), ((Double) root.get("cols")).intValue(), types);
    }
}
