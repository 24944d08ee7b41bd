package io.quantarena.core.model;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix of {@code rows} rows of {@code cols} elements each (ggml ne1 × ne0), stored in
 * {@code type}'s on-disk encoding; {@code data} is a view of the (memory-mapped) file, not a copy.
 */
public record Weight(String name, GgmlType type, MemorySegment data, int rows, int cols) {

    public Weight {
        long need = type.rowSize(cols) * (long) rows;
        if (data.byteSize() < need) {
            throw new IllegalArgumentException("tensor " + name + " holds " + data.byteSize() + " bytes, expected "
                    + need + " for " + rows + " rows of " + cols + " " + type.typeName());
        }
    }

    public long rowBytes() {
        return type.rowSize(cols);
    }

    /**
     * Rows {@code [first, first+count)} as a weight of their own: an expert's matrix inside a
     * stacked 3-D expert tensor.
     */
    public Weight rowSlice(String sliceName, int first, int count) {
        if (first < 0 || count <= 0 || first + count > rows) {
            throw new IndexOutOfBoundsException("rows " + first + ".." + (first + count) + " of tensor " + name
                    + " with " + rows + " rows");
        }
        return new Weight(sliceName, type, data.asSlice(first * rowBytes(), count * rowBytes()), count, cols);
    }
}
