package io.quantarena.core.model;

/** Storage type of the KV cache, as llama.cpp's {@code -ctk/-ctv} (default f16). */
public enum KvCacheType {
    F32, F16, Q8_0;

    public static KvCacheType parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "f32" -> F32;
            case "f16" -> F16;
            case "q8_0" -> Q8_0;
            default -> throw new IllegalArgumentException("unsupported KV cache type '" + s + "', expected f16, f32 or q8_0");
        };
    }
}
