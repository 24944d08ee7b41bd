package io.quantarena.core.quant;

import io.quantarena.core.testsupport.SharedAssets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code testdata/quant/manifest.json}: per type and variant ("plain" = no imatrix, "imatrix")
 * the reference files and RMSE, or the reason the reference produced none. Parsed with a
 * minimal JSON reader (core has no JSON library).
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
    }

    static ReferenceManifest load() {
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) new MiniJson(SharedAssets.text(DIR + "manifest.json")).parse();
        Map<String, TypeEntry> types = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> ts = (Map<String, Object>) root.get("types");
        for (Map.Entry<String, Object> e : ts.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) e.getValue();
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

    /** Just enough JSON: objects, arrays, strings (with escapes), numbers, true/false/null. */
    static final class MiniJson {
        private final String s;
        private int i;

        MiniJson(String s) {
            this.s = s;
        }

        Object parse() {
            Object v = value();
            ws();
            if (i != s.length()) {
                throw error("trailing characters");
            }
            return v;
        }

        private Object value() {
            ws();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{' -> {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (peek('}')) {
                        return m;
                    }
                    do {
                        ws();
                        String k = string();
                        ws();
                        expect(':');
                        m.put(k, value());
                        ws();
                    } while (peek(','));
                    expect('}');
                    return m;
                }
                case '[' -> {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (peek(']')) {
                        return l;
                    }
                    do {
                        l.add(value());
                        ws();
                    } while (peek(','));
                    expect(']');
                    return l;
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    if (s.startsWith("true", i)) {
                        i += 4;
                        return Boolean.TRUE;
                    }
                    if (s.startsWith("false", i)) {
                        i += 5;
                        return Boolean.FALSE;
                    }
                    if (s.startsWith("null", i)) {
                        i += 4;
                        return null;
                    }
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    if (start == i) {
                        throw error("unexpected character '" + c + "'");
                    }
                    return Double.parseDouble(s.substring(start, i));
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            }
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private boolean peek(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private IllegalStateException error(String what) {
            return new IllegalStateException("manifest.json: " + what + " at offset " + i);
        }
    }
}
