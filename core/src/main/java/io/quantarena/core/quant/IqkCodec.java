package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Common frame of the ik non-linear codecs: row-length checks, the row loop with QHelper weight
 * sanitizing (spec/quant-types.md §2.1, §10) and little-endian field access. A subclass encodes
 * and decodes one row; its per-call scratch space comes from {@link #newScratch(int)} so that a
 * codec instance is stateless and can be used from several threads.
 *
 * @param <S> the subclass's scratch space
 */
abstract class IqkCodec<S> implements QuantCodec {

    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final VarHandle SHORT_AT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT_AT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

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
        int nb = IqkQuantMath.superBlocks(n, type.typeName());
        decodeRow(src, srcOffset, nb, dst, dstOffset);
    }

    @Override
    public final void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                               MemorySegment dst, long dstOffset) {
        int nb = IqkQuantMath.superBlocks(nPerRow, type.typeName());
        if (imatrix != null && imatrix.length < nPerRow) {
            throw new IllegalArgumentException("imatrix for " + type.typeName() + " has " + imatrix.length
                    + " values, expected " + nPerRow + " (one per column)");
        }
        if (nrows < 0 || srcOffset < 0 || src.length - srcOffset < (long) nrows * nPerRow) {
            throw new IllegalArgumentException(type.typeName() + ": " + nrows + " rows of " + nPerRow
                    + " values from offset " + srcOffset + " exceed the source array of " + src.length);
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

    static void putShort(byte[] b, int off, short v) {
        SHORT_AT.set(b, off, v);
    }

    static void putFp16(byte[] b, int off, float v) {
        SHORT_AT.set(b, off, IqkQuantMath.floatToFp16(v));
    }

    static void putFloat(byte[] b, int off, float v) {
        FLOAT_AT.set(b, off, v);
    }

    static float fp16At(MemorySegment s, long off) {
        return IqkQuantMath.fp16ToFloat(s.get(SHORT_LE, off));
    }

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }
}
