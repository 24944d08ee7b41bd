package io.quantarena.core.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file, in file (insertion) order. Immutable.
 *
 * <p>Typed getters convert where llama's loader does: {@link #getLong} accepts any integer type,
 * {@link #getFloat} FLOAT32 or FLOAT64, {@link #getIntArray} any integer array. A missing key
 * throws {@link NoSuchElementException}, a value of the wrong type {@link IllegalStateException};
 * both name the key and the source file.
 */
public final class GgufMetadata {

    private final Map<String, GgufValue> entries;
    private final String source;

    /** {@code entries} is copied, keeping its iteration order. */
    public GgufMetadata(Map<String, GgufValue> entries, String source) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        this.source = source;
    }

    /** Wraps a map the caller promises never to modify (the parser's own). */
    static GgufMetadata wrap(LinkedHashMap<String, GgufValue> entries, String source) {
        return new GgufMetadata(source, Collections.unmodifiableMap(entries));
    }

    private GgufMetadata(String source, Map<String, GgufValue> entries) {
        this.entries = entries;
        this.source = source;
    }

    public static GgufMetadata empty() {
        return new GgufMetadata("(empty)", Map.of());
    }

    /** The file the metadata was read from (for messages). */
    public String source() {
        return source;
    }

    /** Keys in file order. */
    public Set<String> keys() {
        return entries.keySet();
    }

    /** Entries in file order (unmodifiable). */
    public Map<String, GgufValue> asMap() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public Optional<GgufValue> find(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public GgufValue get(String key) {
        GgufValue v = entries.get(key);
        if (v == null) {
            throw new NoSuchElementException("metadata key '" + key + "' not found in " + source);
        }
        return v;
    }

    public String getString(String key) {
        return string(key, get(key));
    }

    public Optional<String> findString(String key) {
        return find(key).map(v -> string(key, v));
    }

    /** Any integer type, widened (unsigned types zero-extended). */
    public long getLong(String key) {
        return integer(key, get(key));
    }

    public Optional<Long> findLong(String key) {
        return find(key).map(v -> integer(key, v));
    }

    /** Any integer type whose value fits an int. */
    public int getInt(String key) {
        return toInt(key, getLong(key));
    }

    public int getInt(String key, int defaultValue) {
        return has(key) ? getInt(key) : defaultValue;
    }

    public Optional<Integer> findInt(String key) {
        return find(key).map(v -> toInt(key, integer(key, v)));
    }

    /** FLOAT32 or FLOAT64. */
    public float getFloat(String key) {
        return (float) floating(key, get(key));
    }

    public float getFloat(String key, float defaultValue) {
        return has(key) ? getFloat(key) : defaultValue;
    }

    public Optional<Float> findFloat(String key) {
        return find(key).map(v -> (float) floating(key, v));
    }

    /** FLOAT32 or FLOAT64. */
    public double getDouble(String key) {
        return floating(key, get(key));
    }

    public boolean getBool(String key) {
        GgufValue v = get(key);
        if (v.type() != GgufValueType.BOOL) {
            throw wrongType(key, v, "BOOL");
        }
        return (Boolean) v.value();
    }

    public boolean getBool(String key, boolean defaultValue) {
        return has(key) ? getBool(key) : defaultValue;
    }

    @SuppressWarnings("unchecked")
    public List<String> getStringArray(String key) {
        GgufValue v = get(key);
        if (!v.isArray() || v.elementType() != GgufValueType.STRING) {
            throw wrongType(key, v, "array of STRING");
        }
        return (List<String>) v.value();
    }

    /** An array of FLOAT32 (shared, do not modify) or FLOAT64 (converted). */
    public float[] getFloatArray(String key) {
        GgufValue v = get(key);
        if (v.isArray() && v.elementType() == GgufValueType.FLOAT32) {
            return (float[]) v.value();
        }
        if (v.isArray() && v.elementType() == GgufValueType.FLOAT64) {
            double[] d = (double[]) v.value();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        throw wrongType(key, v, "array of FLOAT32 or FLOAT64");
    }

    /**
     * An array of INT32/UINT32 (shared, do not modify) or of another integer type (converted;
     * every element must fit an int).
     */
    public int[] getIntArray(String key) {
        GgufValue v = get(key);
        if (!v.isArray() || !v.elementType().isInteger()) {
            throw wrongType(key, v, "array of an integer type");
        }
        if (v.elementType() == GgufValueType.INT32) {
            return (int[]) v.value();
        }
        int n = v.arrayLength();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = toInt(key + "[" + i + "]", v.longElement(i));
        }
        return out;
    }

    /**
     * A per-layer integer hparam stored either as a scalar (same for all layers) or as an
     * array of {@code nLayer} values (spec/gguf.md §3, §7.2).
     */
    public int[] getPerLayerInts(String key, int nLayer) {
        GgufValue v = get(key);
        if (!v.isArray()) {
            int[] out = new int[nLayer];
            java.util.Arrays.fill(out, toInt(key, integer(key, v)));
            return out;
        }
        int[] a = getIntArray(key);
        if (a.length != nLayer) {
            throw new IllegalStateException("metadata key '" + key + "' in " + source + " has " + a.length
                    + " values, expected one per layer (" + nLayer + ")");
        }
        return a;
    }

    private String string(String key, GgufValue v) {
        if (v.type() != GgufValueType.STRING) {
            throw wrongType(key, v, "STRING");
        }
        return (String) v.value();
    }

    private long integer(String key, GgufValue v) {
        if (!v.type().isInteger()) {
            throw wrongType(key, v, "an integer type");
        }
        return v.asLong();
    }

    private double floating(String key, GgufValue v) {
        if (!v.type().isFloat()) {
            throw wrongType(key, v, "FLOAT32 or FLOAT64");
        }
        return v.asDouble();
    }

    private int toInt(String key, long value) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalStateException("metadata key '" + key + "' in " + source + " has value " + value
                    + ", which does not fit a 32-bit int");
        }
        return (int) value;
    }

    private IllegalStateException wrongType(String key, GgufValue v, String expected) {
        String actual = v.isArray() ? "array of " + v.elementType() : v.type().toString();
        return new IllegalStateException("metadata key '" + key + "' in " + source + " has type " + actual
                + ", expected " + expected);
    }

    @Override
    public boolean equals(Object o) {
        // order matters for GGUF, so compare as lists of entries
        return o instanceof GgufMetadata m && List.copyOf(entries.entrySet()).equals(List.copyOf(m.entries.entrySet()));
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "GgufMetadata" + entries.keySet();
    }
}
