package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q4_0 (id 2): fp16 d + 16 bytes of nibbles (low nibble element j, high nibble j+16),
 * y = (q − 8)·d (spec §5.2). Without imatrix the reference rounding quantizer; with imatrix
 * {@code make_qx_quants(32, 8)} on weights qw·√(σ²+x²), σ² the row's mean square.
 */
public final class Q4_0Codec implements QuantCodec {

    private static final int QK = 32;
    private static final int BLOCK_BYTES = 18;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type(), dst, dstOffset, n);
        int nb = n / QK;
        for (int b = 0; b < nb; b++) {
            long p = srcOffset + (long) b * BLOCK_BYTES;
            float d = QuantMath.fp16ToFloat(src.get(QuantMath.LE_SHORT, p));
            int o = dstOffset + b * QK;
            for (int j = 0; j < 16; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, p + 2 + j) & 0xFF;
                dst[o + j] = ((q & 0x0F) - 8) * d;
                dst[o + j + 16] = ((q >>> 4) - 8) * d;
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
                    d = LegacyReferenceQuantizer.symmetric(src, x0, QK, 8, levels);
                } else {
                    QuantMath.sigmaWeights(src, x0, imatrix, b * QK, sigma2, false, w, QK);
                    d = KQuantMath.makeQxQuants(QK, 8, src, x0, levels, 0, w, 0);
                }
                QuantMath.putShortLE(block, 0, QuantMath.floatToFp16(d));
                for (int j = 0; j < 16; j++) {
                    block[2 + j] = (byte) (levels[j] | levels[j + 16] << 4);
                }
                MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, out, BLOCK_BYTES);
                out += BLOCK_BYTES;
            }
        }
    }
}
