package io.quantarena.core.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Row loops shared by the codecs whose blocks are encoded and decoded independently of each
 * other: the legacy 32-element formats, IQ4_NL, IQ4_XS, Q8_K and the lattice i-quants. Argument
 * checks are the shared {@link QuantArgs} ones. Subclasses decode one block and supply a per-call
 * {@link BlockEncoder} (scratch arrays are per call, so the codecs stay stateless and thread-safe).
 */
abstract class BlockCodec implements QuantCodec {

    /** Super-block size of the K-quants, i-quants and IQ4_XS. */
    static final int QK_K = 256;

    /** Encodes one block at a time; one instance per quantize call (it owns scratch arrays). */
    interface BlockEncoder {
        /**
         * Called before the blocks of each row of {@code n} values at {@code x[rowOff]}, for
         * encoders whose weights depend on the whole row; {@code qw} is the imatrix or null.
         */
        default void startRow(float[] x, int rowOff, int n, float[] qw) {
        }

        /**
         * Encodes the block at {@code x[x0 …]} into {@code block} (zeroed before each call);
         * {@code qw} is the imatrix (this block's columns start at {@code qwOff}) or null.
         */
        void encode(float[] x, int x0, float[] qw, int qwOff, byte[] block);
    }

    /** Decodes the block at {@code p} into {@code dst[o …]} (one block's elements). */
    abstract void decodeBlock(MemorySegment src, long p, float[] dst, int o);

    /** A fresh encoder for one quantize call. */
    abstract BlockEncoder newEncoder();

    @Override
    public final void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type(), dst, dstOffset, n);
        int size = type().blockSize();
        int bytes = type().bytesPerBlock();
        for (int b = 0; b < n / size; b++) {
            decodeBlock(src, srcOffset + (long) b * bytes, dst, dstOffset + b * size);
        }
    }

    @Override
    public final void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                               MemorySegment dst, long dstOffset) {
        int nb = QuantArgs.checkQuantize(this, src, srcOffset, nrows, nPerRow, imatrix);
        BlockEncoder encoder = newEncoder();
        int size = type().blockSize();
        int bytes = type().bytesPerBlock();
        byte[] block = new byte[bytes];
        long out = dstOffset;
        for (int r = 0; r < nrows; r++) {
            int row = srcOffset + r * nPerRow;
            encoder.startRow(src, row, nPerRow, imatrix);
            for (int b = 0; b < nb; b++) {
                Arrays.fill(block, (byte) 0);
                encoder.encode(src, row + b * size, imatrix, b * size, block);
                MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, out, bytes);
                out += bytes;
            }
        }
    }
}
