package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Common frame of the ik non-linear codecs: the shared argument checks ({@link QuantArgs}) and
 * the row loop with QHelper weight sanitizing (spec/quant-types.md §2.1, §10). A subclass
 * encodes and decodes one row; its per-call scratch space comes from {@link #newScratch(int)}
 * so that a codec instance is stateless and can be used from several threads.
 *
 * @param <S> the subclass's scratch space
 */
abstract class IqkCodec<S> implements QuantCodec {

    /** Super-block size of every ik type. */
    static final int QK = 256;

    private final GgmlType type;
    private final int weightBlock;

    /**
     * @param weightBlock the block size of QHelper's imatrix sanitizing for this type (16 or 32)
     */
    IqkCodec(GgmlType type, int weightBlock) {
        this.type = type;
        this.weightBlock = weightBlock;
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    @Override
    public final void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type, dst, dstOffset, n);
        decodeRow(src, srcOffset, n / QK, dst, dstOffset);
    }

    @Override
    public final void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                               MemorySegment dst, long dstOffset) {
        int nb = QuantArgs.checkQuantize(this, src, srcOffset, nrows, nPerRow, imatrix);
        if (nb == 0 && nrows > 0) {
            // the row encoders (IQ2_KS's row scale search, for one) read the first super-block
            throw new IllegalArgumentException("type " + type.typeName() + ": row length 0; the ik encoders need at "
                    + "least one super-block of " + QK + " per row");
        }
        int rowBytes = Math.toIntExact(type.rowSize(nPerRow));
        byte[] row = new byte[rowBytes];
        float[] weights = imatrix == null ? null : new float[nPerRow];
        S scratch = newScratch(nPerRow);
        for (int r = 0; r < nrows; r++) {
            int xOff = srcOffset + r * nPerRow;
            if (imatrix != null) {
                IqkQuantMath.sanitizeWeights(src, xOff, imatrix, nPerRow, weightBlock, weights);
            }
            Arrays.fill(row, (byte) 0);
            encodeRow(src, xOff, weights, nb, row, scratch);
            MemorySegment.copy(row, 0, dst, ValueLayout.JAVA_BYTE, dstOffset + (long) r * rowBytes, rowBytes);
        }
    }

    /** Scratch space for one {@link #quantize} call on rows of {@code nPerRow} values. */
    abstract S newScratch(int nPerRow);

    /**
     * Encodes one row of {@code nb} super-blocks into {@code out} (zeroed, row meta first).
     *
     * @param qw sanitized importance weights of this row, or null
     */
    abstract void encodeRow(float[] x, int xOff, float[] qw, int nb, byte[] out, S scratch);

    /** Decodes one row of {@code nb} super-blocks starting at its row meta. */
    abstract void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff);
}
