package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Common frame of the K-quant codecs (256-element super-blocks, no row meta): argument checks,
 * block-wise decoding and the dispatch of spec/quant-types.md §10 (without imatrix the
 * reference encoder runs once over the whole chunk; with imatrix the weighted encoder runs row
 * by row). Subclasses only see one super-block at a time as a byte array.
 */
abstract sealed class SuperBlockCodec implements QuantCodec
        permits Q2KCodec, Q3KCodec, ScaleMinKCodec, Q6KCodec {

    static final int QK_K = 256;

    private final GgmlType type;

    SuperBlockCodec(GgmlType type) {
        this.type = type;
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    /** Decodes one super-block {@code b} into {@code dst[o .. o+256)}. */
    abstract void decodeBlock(byte[] b, float[] dst, int o);

    /**
     * Encodes super-block {@code x[xo .. xo+256)} into {@code out} (bytesPerBlock bytes).
     *
     * @param qw importance weights of the same 256 columns starting at {@code qo}, or null for
     *           the reference (unweighted) encoder
     */
    abstract void encodeBlock(float[] x, int xo, float[] qw, int qo, KQuantScratch s, byte[] out);

    /**
     * Hook for encoders whose reference path looks at the whole chunk before encoding blocks
     * (Q2_K's TriNet test). Returns true when it has written all {@code nBlocks} itself.
     */
    boolean encodeChunkSpecialCase(float[] x, int xo, int nBlocks, MemorySegment dst, long dstOffset) {
        return false;
    }

    /** Copies each block out of the (typically memory-mapped) segment once, then decodes from the array. */
    @Override
    public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        checkRowLength(n);
        int bpb = type.bytesPerBlock();
        byte[] block = new byte[bpb];
        for (int ib = 0; ib < n / QK_K; ib++) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcOffset + (long) ib * bpb, block, 0, bpb);
            decodeBlock(block, dst, dstOffset + ib * QK_K);
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                         MemorySegment dst, long dstOffset) {
        checkRowLength(nPerRow);
        if (nrows < 0) {
            throw new IllegalArgumentException(type.typeName() + ": negative row count " + nrows);
        }
        long need = (long) nrows * rowSize(nPerRow);
        if (dstOffset < 0 || dst.byteSize() - dstOffset < need) {
            throw new IllegalArgumentException(type.typeName() + ": destination has " + (dst.byteSize() - dstOffset)
                    + " bytes after offset " + dstOffset + ", " + need + " needed for " + nrows + " rows of "
                    + nPerRow);
        }
        if ((long) srcOffset + (long) nrows * nPerRow > src.length) {
            throw new IllegalArgumentException(type.typeName() + ": source has " + src.length + " floats, "
                    + nrows + " rows of " + nPerRow + " from offset " + srcOffset + " requested");
        }
        if (imatrix != null && imatrix.length < nPerRow) {
            throw new IllegalArgumentException(type.typeName() + ": imatrix has " + imatrix.length
                    + " weights, expected " + nPerRow + " (one per column)");
        }
        int bpb = type.bytesPerBlock();
        int blocksPerRow = nPerRow / QK_K;
        KQuantScratch s = new KQuantScratch();
        byte[] out = new byte[bpb];
        if (imatrix == null) {
            int nBlocks = nrows * blocksPerRow;
            if (encodeChunkSpecialCase(src, srcOffset, nBlocks, dst, dstOffset)) {
                return;
            }
            for (int ib = 0; ib < nBlocks; ib++) {
                encodeBlock(src, srcOffset + ib * QK_K, null, 0, s, out);
                MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, dstOffset + (long) ib * bpb, bpb);
            }
        } else {
            for (int row = 0; row < nrows; row++) {
                for (int ib = 0; ib < blocksPerRow; ib++) {
                    int xo = srcOffset + row * nPerRow + ib * QK_K;
                    encodeBlock(src, xo, imatrix, ib * QK_K, s, out);
                    long at = dstOffset + ((long) row * blocksPerRow + ib) * bpb;
                    MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, at, bpb);
                }
            }
        }
    }

    private void checkRowLength(long n) {
        if (n < 0 || n % QK_K != 0) {
            throw new IllegalArgumentException(type.typeName() + ": row length " + n
                    + " is not a multiple of the block size " + QK_K);
        }
    }

    /** Little-endian fp16 at {@code b[o]} as float. */
    static float fp16At(byte[] b, int o) {
        return KQuantMath.fromFp16((short) ((b[o] & 0xFF) | (b[o + 1] << 8)));
    }

    /** Stores fp16 bits little-endian at {@code b[o]}. */
    static void putFp16(byte[] b, int o, short h) {
        b[o] = (byte) h;
        b[o + 1] = (byte) (h >> 8);
    }
}
