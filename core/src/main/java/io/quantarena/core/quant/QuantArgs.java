package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/** Argument checks shared by the codecs, with messages that name the type and the offending values. */
final class QuantArgs {

    private QuantArgs() {
    }

    /** Blocks in a row of {@code n} elements; rejects lengths that are not a whole number of blocks. */
    static int blocksPerRow(GgmlType type, long n) {
        int bs = type.blockSize();
        if (n < 0 || n % bs != 0) {
            throw new IllegalArgumentException("type " + type.typeName() + ": row length " + n
                    + " is not a multiple of the block size " + bs);
        }
        return Math.toIntExact(n / bs);
    }

    /** Validates a quantize call and returns the blocks per row. */
    static int checkQuantize(QuantCodec codec, float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix) {
        GgmlType type = codec.type();
        int nb = blocksPerRow(type, nPerRow);
        if (nrows < 0) {
            throw new IllegalArgumentException("type " + type.typeName() + ": nrows " + nrows + " is negative");
        }
        if (srcOffset < 0 || (long) srcOffset + (long) nrows * nPerRow > src.length) {
            throw new IllegalArgumentException("type " + type.typeName() + ": source of " + src.length
                    + " floats is too short for " + nrows + " rows of " + nPerRow + " at offset " + srcOffset);
        }
        if (imatrix != null && imatrix.length < nPerRow) {
            throw new IllegalArgumentException("type " + type.typeName() + ": imatrix has " + imatrix.length
                    + " weights, expected " + nPerRow + " (one per column)");
        }
        if (imatrix == null && codec.requiresImatrix()) {
            throw new IllegalArgumentException("type " + type.typeName() + " requires an importance matrix");
        }
        return nb;
    }

    /**
     * Validates that {@code dst} holds {@code nrows} rows of {@code nPerRow} elements from
     * {@code dstOffset}, so that a short destination fails before anything is written.
     */
    static void checkDestination(QuantCodec codec, int nrows, int nPerRow, MemorySegment dst, long dstOffset) {
        GgmlType type = codec.type();
        blocksPerRow(type, nPerRow);
        long need = Math.max(0, nrows) * codec.rowSize(nPerRow);
        if (dstOffset < 0 || dstOffset > dst.byteSize() || dst.byteSize() - dstOffset < need) {
            throw new IllegalArgumentException("type " + type.typeName() + ": destination of " + dst.byteSize()
                    + " bytes is too short for " + nrows + " rows of " + nPerRow + " (" + need + " bytes) at offset "
                    + dstOffset);
        }
    }

    /** Validates the destination range of a dequantize call. */
    static void checkDequantize(GgmlType type, float[] dst, int dstOffset, int n) {
        blocksPerRow(type, n);
        if (dstOffset < 0 || (long) dstOffset + n > dst.length) {
            throw new IllegalArgumentException("type " + type.typeName() + ": destination of " + dst.length
                    + " floats is too short for " + n + " values at offset " + dstOffset);
        }
    }
}
