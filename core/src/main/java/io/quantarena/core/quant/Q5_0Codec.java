package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q5_0 (id 6): fp16 d, qh (uint32: bit j = bit 4 of element j), 16 bytes of low nibbles;
 * y = (q − 16)·d (spec §5.4). Without imatrix the reference rounding quantizer; with imatrix
 * {@code make_qx_quants(32, 16)} on weights qw·√(σ²+x²), σ² the row's mean square.
 */
public final class Q5_0Codec implements QuantCodec {

    private static final int QK = 32;
    private static final int BLOCK_BYTES = 22;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type(), dst, dstOffset, n);
        int nb = n / QK;
        for (int b = 0; b < nb; b++) {
            long p = srcOffset + (long) b * BLOCK_BYTES;
            float d = QuantMath.fp16ToFloat(src.get(QuantMath.LE_SHORT, p));
            int qh = src.get(QuantMath.LE_INT, p + 2);
            int o = dstOffset + b * QK;
            for (int j = 0; j < 16; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, p + 6 + j) & 0xFF;
                int lo = (q & 0x0F) | ((qh >>> j) & 1) << 4;
                int hi = (q >>> 4) | ((qh >>> (j + 16)) & 1) << 4;
                dst[o + j] = (lo - 16) * d;
                dst[o + j + 16] = (hi - 16) * d;
            }
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                         MemorySegment dst, long dstOffset) {
        int nb = QuantArgs.checkQuantize(this, src, srcOffset, nrows, nPerRow, imatrix);
        byte[] block = new byte[BLOCK_BYTES];
        int[] levels = new int[QK];
        float[] w = new float[QK];
        long out = dstOffset;
        for (int r = 0; r < nrows; r++) {
            int row = srcOffset + r * nPerRow;
            float sigma2 = imatrix != null ? QuantMath.sumOfSquares(src, row, nPerRow) / nPerRow : 0;
            for (int b = 0; b < nb; b++) {
                int x0 = row + b * QK;
                float d;
                if (imatrix == null) {
                    d = LegacyReferenceQuantizer.symmetric(src, x0, QK, 16, levels);
                } else {
                    QuantMath.sigmaWeights(src, x0, imatrix, b * QK, sigma2, false, w, QK);
                    d = KQuantMath.makeQxQuants(QK, 16, src, x0, levels, 0, w, 0);
                }
                QuantMath.putShortLE(block, 0, QuantMath.floatToFp16(d));
                int qh = 0;
                for (int j = 0; j < 16; j++) {
                    int lo = levels[j];
                    int hi = levels[j + 16];
                    block[6 + j] = (byte) ((lo & 0x0F) | (hi & 0x0F) << 4);
                    qh |= (lo >>> 4) << j | (hi >>> 4) << (j + 16);
                }
                QuantMath.putIntLE(block, 2, qh);
                MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, out, BLOCK_BYTES);
                out += BLOCK_BYTES;
            }
        }
    }
}
