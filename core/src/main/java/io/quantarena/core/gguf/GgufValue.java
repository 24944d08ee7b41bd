package io.quantarena.core.gguf;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One metadata value. Scalars are boxed by storage width, keeping the raw bits (unsigned types
 * are not widened, so that values re-write byte-identically):
 * UINT8/INT8 {@link Byte}, UINT16/INT16 {@link Short}, UINT32/INT32 {@link Integer},
 * UINT64/INT64 {@link Long}, FLOAT32 {@link Float}, FLOAT64 {@link Double}, BOOL {@link Boolean},
 * STRING {@link String}.
 * Arrays ({@code type == ARRAY}, {@code elementType} set) are compact primitive arrays of the same
 * widths ({@code byte[]}, {@code short[]}, {@code int[]}, {@code long[]}, {@code float[]},
 * {@code double[]}, {@code boolean[]}) or an unmodifiable {@code List<String>}. Treat arrays
 * as read-only: they are shared, not copied.
 */
public record GgufValue(GgufValueType type, Object value, GgufValueType elementType) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if (type == GgufValueType.ARRAY) {
            Objects.requireNonNull(elementType, "elementType of an array");
            if (elementType == GgufValueType.ARRAY) {
                throw new IllegalArgumentException("nested GGUF arrays are not supported");
            }
            if (!arrayClassFor(elementType).isInstance(value)) {
                throw new IllegalArgumentException("array of " + elementType + " needs a "
                        + arrayClassFor(elementType).getSimpleName() + ", got " + value.getClass().getSimpleName());
            }
        } else {
            if (elementType != null) {
                throw new IllegalArgumentException("elementType is only for arrays, got " + elementType + " for " + type);
            }
            if (!scalarClassFor(type).isInstance(value)) {
                throw new IllegalArgumentException(type + " needs a " + scalarClassFor(type).getSimpleName()
                        + ", got " + value.getClass().getSimpleName());
            }
        }
    }

    // ---- factories ----------------------------------------------------------------------

    public static GgufValue ofUInt8(int v) { return new GgufValue(GgufValueType.UINT8, (byte) v, null); }
    public static GgufValue ofInt8(int v) { return new GgufValue(GgufValueType.INT8, (byte) v, null); }
    public static GgufValue ofUInt16(int v) { return new GgufValue(GgufValueType.UINT16, (short) v, null); }
    public static GgufValue ofInt16(int v) { return new GgufValue(GgufValueType.INT16, (short) v, null); }
    public static GgufValue ofUInt32(long v) { return new GgufValue(GgufValueType.UINT32, (int) v, null); }
    public static GgufValue ofInt32(int v) { return new GgufValue(GgufValueType.INT32, v, null); }
    public static GgufValue ofUInt64(long v) { return new GgufValue(GgufValueType.UINT64, v, null); }
    public static GgufValue ofInt64(long v) { return new GgufValue(GgufValueType.INT64, v, null); }
    public static GgufValue ofFloat32(float v) { return new GgufValue(GgufValueType.FLOAT32, v, null); }
    public static GgufValue ofFloat64(double v) { return new GgufValue(GgufValueType.FLOAT64, v, null); }
    public static GgufValue ofBool(boolean v) { return new GgufValue(GgufValueType.BOOL, v, null); }
    public static GgufValue ofString(String v) { return new GgufValue(GgufValueType.STRING, v, null); }

    public static GgufValue ofStringArray(List<String> v) {
        return new GgufValue(GgufValueType.ARRAY, List.copyOf(v), GgufValueType.STRING);
    }

    public static GgufValue ofInt32Array(int[] v) { return new GgufValue(GgufValueType.ARRAY, v, GgufValueType.INT32); }
    public static GgufValue ofUInt32Array(int[] v) { return new GgufValue(GgufValueType.ARRAY, v, GgufValueType.UINT32); }
    public static GgufValue ofFloat32Array(float[] v) { return new GgufValue(GgufValueType.ARRAY, v, GgufValueType.FLOAT32); }

    /** An array of any element type; {@code array} must have the class listed in the type doc. */
    public static GgufValue ofArray(GgufValueType elementType, Object array) {
        return new GgufValue(GgufValueType.ARRAY, array, elementType);
    }

    // ---- accessors ----------------------------------------------------------------------

    public boolean isArray() {
        return type == GgufValueType.ARRAY;
    }

    /** Element count of an array value. */
    public int arrayLength() {
        if (!isArray()) {
            throw new IllegalStateException(type + " value is not an array");
        }
        return value instanceof List<?> l ? l.size() : java.lang.reflect.Array.getLength(value);
    }

    /** An integer scalar widened to long; unsigned types are zero-extended (UINT64 keeps its bits). */
    public long asLong() {
        return switch (type) {
            case UINT8 -> Byte.toUnsignedLong((Byte) value);
            case INT8 -> (Byte) value;
            case UINT16 -> Short.toUnsignedLong((Short) value);
            case INT16 -> (Short) value;
            case UINT32 -> Integer.toUnsignedLong((Integer) value);
            case INT32 -> (Integer) value;
            case UINT64, INT64 -> (Long) value;
            default -> throw new IllegalStateException(type + " value is not an integer");
        };
    }

    /** A float or integer scalar as double. */
    public double asDouble() {
        return switch (type) {
            case FLOAT32 -> (Float) value;
            case FLOAT64 -> (Double) value;
            default -> asLong();
        };
    }

    public String asString() {
        if (type != GgufValueType.STRING) {
            throw new IllegalStateException(type + " value is not a string");
        }
        return (String) value;
    }

    /** Element {@code i} of an integer array widened like {@link #asLong()}. */
    public long longElement(int i) {
        return switch (elementTypeOrThrow()) {
            case UINT8 -> Byte.toUnsignedLong(((byte[]) value)[i]);
            case INT8 -> ((byte[]) value)[i];
            case UINT16 -> Short.toUnsignedLong(((short[]) value)[i]);
            case INT16 -> ((short[]) value)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) value)[i]);
            case INT32 -> ((int[]) value)[i];
            case UINT64, INT64 -> ((long[]) value)[i];
            default -> throw new IllegalStateException("array of " + elementType + " is not an integer array");
        };
    }

    /** A short human-readable rendering; arrays show the element type, count and first {@code maxElements}. */
    public String describe(int maxElements) {
        return isArray() ? "[" + elementType + " x " + arrayLength() + "] " + valueText(maxElements) : valueText(maxElements);
    }

    /**
     * The value alone: a scalar ({@code 32}, {@code "llama"}), or an array's first
     * {@code maxElements} elements ({@code ["<unk>", "<s>", ...]}). Long strings are cut.
     */
    public String valueText(int maxElements) {
        if (!isArray()) {
            return type == GgufValueType.STRING ? quote((String) value, 200) : scalarText();
        }
        int n = arrayLength();
        StringBuilder sb = new StringBuilder("[");
        int shown = Math.min(n, maxElements);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(elementText(i));
        }
        if (shown < n) {
            sb.append(shown > 0 ? ", ..." : "...");
        }
        return sb.append(']').toString();
    }

    private String scalarText() {
        return switch (type) {
            case FLOAT32, FLOAT64, BOOL -> String.valueOf(value);
            case UINT64 -> Long.toUnsignedString((Long) value);
            default -> Long.toString(asLong());
        };
    }

    private String elementText(int i) {
        return switch (elementType) {
            case STRING -> quote(((List<?>) value).get(i).toString(), 60);
            case FLOAT32 -> Float.toString(((float[]) value)[i]);
            case FLOAT64 -> Double.toString(((double[]) value)[i]);
            case BOOL -> Boolean.toString(((boolean[]) value)[i]);
            case UINT64 -> Long.toUnsignedString(((long[]) value)[i]);
            default -> Long.toString(longElement(i));
        };
    }

    private static String quote(String s, int max) {
        StringBuilder sb = new StringBuilder("\"");
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        if (n < s.length()) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    private GgufValueType elementTypeOrThrow() {
        if (!isArray()) {
            throw new IllegalStateException(type + " value is not an array");
        }
        return elementType;
    }

    static Class<?> scalarClassFor(GgufValueType t) {
        return switch (t) {
            case UINT8, INT8 -> Byte.class;
            case UINT16, INT16 -> Short.class;
            case UINT32, INT32 -> Integer.class;
            case UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> throw new IllegalArgumentException("ARRAY is not a scalar type");
        };
    }

    static Class<?> arrayClassFor(GgufValueType t) {
        return switch (t) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> List.class;
            case ARRAY -> throw new IllegalArgumentException("nested GGUF arrays are not supported");
        };
    }

    // Records compare arrays by reference; values compare by content.
    @Override
    public boolean equals(Object o) {
        return o instanceof GgufValue v && type == v.type && elementType == v.elementType
                && Objects.deepEquals(value, v.value);
    }

    @Override
    public int hashCode() {
        int h = Arrays.deepHashCode(new Object[]{value});
        return 31 * (31 * type.hashCode() + Objects.hashCode(elementType)) + h;
    }

    @Override
    public String toString() {
        return isArray() ? describe(8) : type + ":" + describe(0);
    }
}
