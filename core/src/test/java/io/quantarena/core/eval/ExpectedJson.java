package io.quantarena.core.eval;

import io.quantarena.core.testsupport.SharedAssets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code reference/expected.json} (a minimal JSON parser: objects, arrays, numbers, strings, literals). */
final class ExpectedJson {

    private static Map<String, Object> root;

    private final String s;
    private int i;

    private ExpectedJson(String s) {
        this.s = s;
    }

    static synchronized Map<String, Object> root() {
        if (root == null) {
            root = asMap(new ExpectedJson(SharedAssets.text("reference/expected.json")).value());
        }
        return root;
    }

    /** The value at a path of object keys, e.g. {@code at("models", "tiny-llama", "ppl20")}. */
    static Object at(String... path) {
        Object o = root();
        for (String k : path) {
            Object next = asMap(o).get(k);
            if (next == null) {
                throw new IllegalArgumentException("expected.json has no key " + k + " on the path " + String.join(".", path));
            }
            o = next;
        }
        return o;
    }

    static double number(String... path) {
        return ((Number) at(path)).doubleValue();
    }

    /** running_ppl of a ppl20 entry as an array indexed by chunk − 1. */
    static double[] runningPpl(String... path) {
        Map<String, Object> m = asMap(at(path));
        double[] r = new double[m.size()];
        for (Map.Entry<String, Object> e : m.entrySet()) {
            r[Integer.parseInt(e.getKey()) - 1] = ((Number) e.getValue()).doubleValue();
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private Object value() {
        skipWs();
        char c = s.charAt(i);
        switch (c) {
            case '{' -> {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                skipWs();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    skipWs();
                    String k = string();
                    skipWs();
                    expect(':');
                    m.put(k, value());
                    skipWs();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect('}');
                        return m;
                    }
                }
            }
            case '[' -> {
                i++;
                List<Object> l = new ArrayList<>();
                skipWs();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    skipWs();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect(']');
                        return l;
                    }
                }
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
                return Double.parseDouble(s.substring(start, i));
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (s.charAt(i) != '"') {
            char c = s.charAt(i++);
            if (c == '\\') {
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            } else {
                b.append(c);
            }
        }
        i++;
        return b.toString();
    }

    private void expect(char c) {
        if (s.charAt(i) != c) {
            throw new IllegalStateException("expected.json: '" + c + "' expected at offset " + i);
        }
        i++;
    }

    private void skipWs() {
        while (Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }
}
