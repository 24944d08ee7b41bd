package io.quantarena.core.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Read access to a model's GGUF key/values with {@code --override-kv} entries taking precedence,
 * converting numbers the way llama.cpp's loader accepts them (any integer width for integer keys,
 * an {@code int} override for an integer key, a {@code float} override for a float key).
 */
public final class ModelMetadata {

    private final Function<String, Object> file;
    private final Map<String, KvOverride> overrides = new HashMap<>();

    /**
     * @param file      looks a key up in the file, null when absent. Values are boxed numbers,
     *                  Boolean, String, or arrays (primitive arrays or Lists)
     * @param overrides applied on top, last one wins
     */
    public ModelMetadata(Function<String, Object> file, List<KvOverride> overrides) {
        this.file = file;
        for (KvOverride o : overrides) {
            this.overrides.put(o.key(), o);
        }
    }

    /** The raw value (override first), or null. */
    public Object raw(String key) {
        KvOverride o = overrides.get(key);
        return o != null ? o.value() : file.apply(key);
    }

    public boolean has(String key) {
        return raw(key) != null;
    }

    public String string(String key) {
        Object v = raw(key);
        if (v == null) {
            throw new IllegalArgumentException("required metadata key " + key + " is missing");
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("metadata key " + key + " has value " + v + ", expected a string");
        }
        return s;
    }

    public long integer(String key) {
        Object v = raw(key);
        if (v == null) {
            throw new IllegalArgumentException("required metadata key " + key + " is missing");
        }
        return asLong(key, v);
    }

    public long integer(String key, long fallback) {
        Object v = raw(key);
        return v == null ? fallback : asLong(key, v);
    }

    public double real(String key) {
        Object v = raw(key);
        if (v == null) {
            throw new IllegalArgumentException("required metadata key " + key + " is missing");
        }
        return asDouble(key, v);
    }

    public double real(String key, double fallback) {
        Object v = raw(key);
        return v == null ? fallback : asDouble(key, v);
    }

    public boolean bool(String key, boolean fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("metadata key " + key + " has value " + v + ", expected a bool");
    }

    /**
     * An integer that may be stored per layer (an array, as for head counts); returns the value
     * of layer {@code il}.
     */
    public long perLayer(String key, int il, long fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number || v instanceof Character) {
            return asLong(key, v);
        }
        long[] arr = longArray(key, v);
        if (il >= arr.length) {
            throw new IllegalArgumentException("metadata key " + key + " has " + arr.length
                    + " per-layer values, layer " + il + " requested");
        }
        return arr[il];
    }

    /** The number of entries of an array value, or -1 if absent or not an array. */
    public int arrayLength(String key) {
        Object v = raw(key);
        if (v == null) {
            return -1;
        }
        if (v instanceof List<?> l) {
            return l.size();
        }
        if (v.getClass().isArray()) {
            return java.lang.reflect.Array.getLength(v);
        }
        return -1;
    }

    private static long[] longArray(String key, Object v) {
        if (v instanceof long[] a) {
            return a;
        }
        if (v instanceof int[] a) {
            long[] r = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = a[i];
            }
            return r;
        }
        if (v instanceof List<?> l) {
            long[] r = new long[l.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = asLong(key, l.get(i));
            }
            return r;
        }
        if (v.getClass().isArray()) {
            int n = java.lang.reflect.Array.getLength(v);
            long[] r = new long[n];
            for (int i = 0; i < n; i++) {
                r[i] = asLong(key, java.lang.reflect.Array.get(v, i));
            }
            return r;
        }
        throw new IllegalArgumentException("metadata key " + key + " has value " + v + ", expected an integer or integer array");
    }

    private static long asLong(String key, Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        throw new IllegalArgumentException("metadata key " + key + " has value " + v + " ("
                + v.getClass().getSimpleName() + "), expected an integer");
    }

    private static double asDouble(String key, Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("metadata key " + key + " has value " + v + ", expected a number");
    }
}
