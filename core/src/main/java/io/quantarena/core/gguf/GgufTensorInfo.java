package io.quantarena.core.gguf;

import io.quantarena.core.tensor.GgmlType;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor-info record (spec/gguf.md §4).
 *
 * @param name     tensor name
 * @param ne       dimensions as stored (length = stored n_dims, 1..4); ne[0] is the contiguous row length
 * @param type     ggml type
 * @param offset   byte offset of the data relative to the start of its file's data section (as stored)
 * @param byteSize exact data bytes (spec/gguf.md §6.1), without padding
 * @param fileIndex which file of a split model holds the data (0 when not split)
 */
public record GgufTensorInfo(String name, long[] ne, GgmlType type, long offset, long byteSize, int fileIndex) {

    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        ne = ne.clone();
        if (ne.length < 1 || ne.length > 4) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + ne.length + " dimensions, expected 1..4");
        }
    }

    /** Tensor info with the byte size computed from shape and type. */
    public static GgufTensorInfo of(String name, long[] ne, GgmlType type, long offset, int fileIndex) {
        return new GgufTensorInfo(name, ne, type, offset, byteSize(type, ne), fileIndex);
    }

    /** A copy of the stored dimensions. */
    @Override
    public long[] ne() {
        return ne.clone();
    }

    /** Dimension {@code i} (0..3); 1 for dimensions beyond the stored ones. */
    public long ne(int i) {
        return i < ne.length ? ne[i] : 1;
    }

    /** Stored number of dimensions (n_dims in the file). */
    public int nDims() {
        return ne.length;
    }

    /** Dimensions ignoring trailing 1s, like {@code ggml_n_dims} (at least 1). */
    public int significantDims() {
        int n = ne.length;
        while (n > 1 && ne[n - 1] == 1) {
            n--;
        }
        return n;
    }

    public long elementCount() {
        long n = 1;
        for (long d : ne) {
            n *= d;
        }
        return n;
    }

    /** Row length (ne[0]). */
    public long rowLength() {
        return ne[0];
    }

    /** Number of rows: ne1 * ne2 * ne3. */
    public long rowCount() {
        return elementCount() / ne[0];
    }

    /** Bytes of one row. */
    public long rowBytes() {
        return type.rowSize(ne[0]);
    }

    public GgufTensorInfo withFileAndOffset(int fileIndex, long offset) {
        return new GgufTensorInfo(name, ne, type, offset, byteSize, fileIndex);
    }

    /** Shape as {@code [ne0, ne1, ...]}. */
    public String shapeString() {
        return Arrays.toString(ne);
    }

    /**
     * Exact data bytes of a tensor (spec/gguf.md §6.1); I2_S has its own rule (elements/4 + 32).
     *
     * @throws ArithmeticException on overflow
     * @throws IllegalArgumentException when ne[0] is not a multiple of the block size
     */
    public static long byteSize(GgmlType type, long[] ne) {
        long elements = 1;
        for (long d : ne) {
            elements = Math.multiplyExact(elements, d);
        }
        if (type == GgmlType.I2_S) {
            return elements / 4 + 32;
        }
        return Math.multiplyExact(type.rowSize(ne[0]), elements / ne[0]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && Arrays.equals(ne, t.ne) && type == t.type
                && offset == t.offset && byteSize == t.byteSize && fileIndex == t.fileIndex;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(ne), type, offset, byteSize, fileIndex);
    }

    @Override
    public String toString() {
        return name + " " + shapeString() + " " + type.typeName() + " @" + offset + (fileIndex > 0 ? " (file " + fileIndex + ")" : "")
                + " " + byteSize + " B";
    }
}
