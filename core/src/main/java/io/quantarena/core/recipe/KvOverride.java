package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufValue;

import java.util.Objects;

/**
 * One {@code --override-kv KEY=TYPE:VALUE} (spec/quantize-tool.md §1): TYPE {@code int} is
 * written as INT32, {@code float} as FLOAT32, {@code bool} as BOOL ({@code true}/{@code false}),
 * {@code str} as STRING of at most 127 characters; the key has fewer than 128 characters.
 *
 * @param text  the option value as written
 * @param key   the metadata key
 * @param value the value to write
 */
public record KvOverride(String text, String key, GgufValue value) {

    static final int MAX_KEY = 127;
    static final int MAX_STRING = 127;

    public KvOverride {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /**
     * Parses {@code KEY=TYPE:VALUE}.
     *
     * @throws RecipeException naming the override (option {@code --override-kv}) and what is wrong
     */
    public static KvOverride parse(String s) {
        int eq = s.indexOf('=');
        if (eq <= 0) {
            throw invalid(s, "expected KEY=TYPE:VALUE");
        }
        String key = s.substring(0, eq);
        if (key.length() > MAX_KEY) {
            throw invalid(s, "key has " + key.length() + " characters, at most " + MAX_KEY + " allowed");
        }
        String rest = s.substring(eq + 1);
        int colon = rest.indexOf(':');
        String type = colon < 0 ? rest : rest.substring(0, colon);
        String v = colon < 0 ? "" : rest.substring(colon + 1);
        if (colon < 0) {
            throw invalid(s, "expected TYPE:VALUE after '=', with TYPE int, float, bool or str");
        }
        GgufValue value = switch (type) {
            case "int" -> {
                try {
                    yield GgufValue.ofInt32((int) Long.parseLong(v.trim())); // llama: atol, stored as int32
                } catch (NumberFormatException e) {
                    throw invalid(s, "'" + v + "' is not an integer");
                }
            }
            case "float" -> {
                try {
                    yield GgufValue.ofFloat32(Float.parseFloat(v.trim()));
                } catch (NumberFormatException e) {
                    throw invalid(s, "'" + v + "' is not a number");
                }
            }
            case "bool" -> switch (v) {
                case "true" -> GgufValue.ofBool(true);
                case "false" -> GgufValue.ofBool(false);
                default -> throw invalid(s, "'" + v + "' is not true or false");
            };
            case "str" -> {
                if (v.length() > MAX_STRING) {
                    throw invalid(s, "string value has " + v.length() + " characters, at most "
                            + MAX_STRING + " allowed");
                }
                yield GgufValue.ofString(v);
            }
            default -> throw invalid(s, "unknown value type '" + type + "', expected int, float, bool or str");
        };
        return new KvOverride(s, key, value);
    }

    private static RecipeException invalid(String s, String reason) {
        return new RecipeException(new RecipeSetting(RecipeSetting.OVERRIDE_KV, s), reason, "override-kv '" + s + "': " + reason);
    }

    @Override
    public String toString() {
        return text;
    }
}
