package io.quantarena.core.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Row loops shared by the lattice ("i-quant") codecs: every one of them works on independent
 * 256-element super-blocks of fixed size. Subclasses decode one block and supply a per-call
 * {@link BlockEncoder} (scratch arrays are per call, so the codecs stay stateless and thread-safe).
 */
abstract class LatticeCodec implements QuantCodec {

    static final int QK = 256;

    /** Encodes one super-block; one instance per quantize call (it owns scratch arrays). */
    interface BlockEncoder {
        /**
         * Encodes {@code x[x0 .. x0+256)} into {@code block} (all bytes written); {@code qw} is the
         * imatrix (slice starting at {@code qwOff}) or null.
         */
        void encode(float[] x, int x0, float[] qw, int qwOff, byte[] block);
    }

    /** Decodes the super-block at {@code p} into {@code dst[o .. o+256)}. */
    abstract void decodeBlock(MemorySegment src, long p, float[] dst, int o);

    /** A fresh encoder for one quantize call. */
    abstract BlockEncoder newEncoder();

    @Override
    public final void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type(), dst, dstOffset, n);
        int bytes = type().bytesPerBlock();
        for (int b = 0; b < n / QK; b++) {
            decodeBlock(src, srcOffset + (long) b * bytes, dst, dstOffset + b * QK);
        }
    }

    @Override
    public final void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                               MemorySegment dst, long dstOffset) {
        int nb = QuantArgs.checkQuantize(this, src, srcOffset, nrows, nPerRow, imatrix);
        BlockEncoder encoder = newEncoder();
        int bytes = type().bytesPerBlock();
        byte[] block = new byte[bytes];
        long out = dstOffset;
        for (int r = 0; r < nrows; r++) {
            int row = srcOffset + r * nPerRow;
            for (int b = 0; b < nb; b++) {
                Arrays.fill(block, (byte) 0);
                encoder.encode(src, row + b * QK, imatrix, b * QK, block);
                MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, out, bytes);
                out += bytes;
            }
        }
    }

    /** The sign of element j under an 8-bit negation mask: −v if bit j is set. */
    static float signed(float v, int mask, int j) {
        return (mask & (1 << j)) != 0 ? -v : v;
    }
}
