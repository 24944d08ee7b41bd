package io.quantarena.core.gguf;

/** GGUF metadata value types ({@code enum gguf_type}, spec/gguf.md §3). */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 0),
    ARRAY(9, 0),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int fixedSize;

    GgufValueType(int id, int fixedSize) {
        this.id = id;
        this.fixedSize = fixedSize;
    }

    /** The id stored on disk as uint32. */
    public int id() {
        return id;
    }

    /** Payload bytes of one value, or 0 for the variable-size STRING and ARRAY. */
    public int fixedSize() {
        return fixedSize;
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The type with this on-disk id, or null when the id is unknown. */
    public static GgufValueType byIdOrNull(long id) {
        // ids are dense 0..12 and the enum is declared in id order
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
