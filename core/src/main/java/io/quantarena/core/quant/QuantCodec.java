package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Encoder/decoder of one ggml tensor type, byte-compatible with ik_llama.cpp
 * (spec/quant-types.md). One implementation per format (family).
 *
 * <p>Byte ranges are {@link MemorySegment}s so that decoding reads memory-mapped model files
 * without copying; wrap arrays with {@link MemorySegment#ofArray(byte[])}. Little-endian.
 */
public interface QuantCodec {

    /** The type this codec reads and writes. */
    GgmlType type();

    /**
     * Decodes one row of {@code n} elements that starts at {@code srcOffset} (at the row's
     * meta bytes for types that have them) into {@code dst[dstOffset .. dstOffset+n)}.
     */
    void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n);

    /**
     * The row as the reference's matrix-multiplication kernels see it. The same as {@link
     * #dequantizeRow} except for IQ6_K, whose kernels use the int8 level table while the row
     * dequantizer (get_rows, requantization) evaluates a polynomial (spec/quant-types.md §9.6).
     */
    default void dequantizeRowForProducts(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        dequantizeRow(src, srcOffset, dst, dstOffset, n);
    }

    /**
     * Quantizes {@code nrows} rows of {@code nPerRow} elements, like {@code ggml_quantize_chunk}:
     * the whole chunk at once (some reference quantizers look across rows of a chunk).
     *
     * @param imatrix importance weights, {@code nPerRow} values (already divided by the call
     *                count), or null
     * @throws IllegalArgumentException when nPerRow is not a multiple of the block size, or the
     *                                  type needs an imatrix and none is given
     */
    void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                  MemorySegment dst, long dstOffset);

    /** Whether ggml refuses to produce this type without an importance matrix. */
    default boolean requiresImatrix() {
        return false;
    }

    /** Bytes of one row. */
    default long rowSize(long nPerRow) {
        return type().rowSize(nPerRow);
    }
}
