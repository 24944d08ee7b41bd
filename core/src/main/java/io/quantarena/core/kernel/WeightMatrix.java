package io.quantarena.core.kernel;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * A row-major weight matrix in a ggml storage format: {@code rows} rows of {@code cols}
 * elements, each row {@code type.rowSize(cols)} bytes (row meta bytes included), starting at
 * offset 0 of {@code data}. {@code data} is usually a slice of a memory-mapped GGUF file.
 */
public record WeightMatrix(GgmlType type, MemorySegment data, long rows, long cols) {

    public WeightMatrix {
        if (rows < 0 || cols <= 0 || cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("matrix shape " + rows + "x" + cols + " of type " + type.typeName()
                    + " is invalid (expected rows >= 0 and 0 < cols <= " + Integer.MAX_VALUE + ")");
        }
        long need = rows * type.rowSize(cols);
        if (data.byteSize() < need) {
            throw new IllegalArgumentException("weight data of " + data.byteSize() + " bytes is too small for "
                    + rows + "x" + cols + " " + type.typeName() + " (expected at least " + need + " bytes)");
        }
    }

    /** Bytes of one row. */
    public long rowBytes() {
        return type.rowSize(cols);
    }

    /** Byte offset of row {@code r} in {@link #data()}. */
    public long rowOffset(long r) {
        return r * rowBytes();
    }

    /** Row length as an int (activation arrays are Java arrays). */
    public int columns() {
        return (int) cols;
    }

    /** The rows {@code [from, to)} as a matrix of their own (e.g. one expert of a 3-D tensor). */
    public WeightMatrix rows(long from, long to) {
        if (from < 0 || to < from || to > rows) {
            throw new IndexOutOfBoundsException("row range [" + from + ", " + to + ") outside [0, " + rows + ")");
        }
        return new WeightMatrix(type, data.asSlice(rowOffset(from), (to - from) * rowBytes()), to - from, cols);
    }
}
