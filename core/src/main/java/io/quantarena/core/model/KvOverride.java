package io.quantarena.core.model;

/**
 * One {@code --override-kv KEY=TYPE:VALUE} entry as llama.cpp parses it: TYPE is {@code int}
 * (stored as a 64-bit integer), {@code float} (a double), {@code bool} ({@code true}/{@code false})
 * or {@code str}.
 */
public record KvOverride(String key, Type type, Object value) {

    public enum Type { INT, FLOAT, BOOL, STR }

    public KvOverride {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("override key must not be empty");
        }
    }

    /** Parses {@code KEY=TYPE:VALUE}; throws naming the argument and what was expected. */
    public static KvOverride parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("malformed --override-kv '" + spec + "', expected KEY=TYPE:VALUE");
        }
        String key = spec.substring(0, eq);
        String rest = spec.substring(eq + 1);
        int colon = rest.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("malformed --override-kv '" + spec
                    + "', expected KEY=TYPE:VALUE with TYPE one of int, float, bool, str");
        }
        String type = rest.substring(0, colon);
        String value = rest.substring(colon + 1);
        try {
            return switch (type) {
                case "int" -> new KvOverride(key, Type.INT, Long.parseLong(value.trim()));
                case "float" -> new KvOverride(key, Type.FLOAT, Double.parseDouble(value.trim()));
                case "bool" -> switch (value) {
                    case "true" -> new KvOverride(key, Type.BOOL, Boolean.TRUE);
                    case "false" -> new KvOverride(key, Type.BOOL, Boolean.FALSE);
                    default -> throw new IllegalArgumentException("invalid boolean value '" + value
                            + "' for --override-kv " + key + ", expected true or false");
                };
                case "str" -> {
                    if (value.length() >= 128) {
                        throw new IllegalArgumentException("string value for --override-kv " + key
                                + " is too long (" + value.length() + " chars, llama.cpp allows at most 127)");
                    }
                    yield new KvOverride(key, Type.STR, value);
                }
                default -> throw new IllegalArgumentException("invalid type '" + type + "' in --override-kv '"
                        + spec + "', expected int, float, bool or str");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + type + " value '" + value + "' for --override-kv " + key, e);
        }
    }
}
