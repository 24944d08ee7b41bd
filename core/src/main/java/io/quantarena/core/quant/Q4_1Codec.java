package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q4_1 (id 3): fp16 d, fp16 m, 16 bytes of nibbles; y = q·d + m (spec §5.3). Without
 * imatrix the reference min/max quantizer; with imatrix {@code make_qkx3_quants(32, 15)} on
 * weights qw·√(σ²+x²), σ² the row's mean square.
 */
public final class Q4_1Codec implements QuantCodec {

    private static final int QK = 32;
    private static final int BLOCK_BYTES = 20;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    @Override
    public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type(), dst, dstOffset, n);
        int nb = n / QK;
        for (int b = 0; b < nb; b++) {
            long p = srcOffset + (long) b * BLOCK_BYTES;
            float d = QuantMath.fp16ToFloat(src.get(QuantMath.LE_SHORT, p));
            float m = QuantMath.fp16ToFloat(src.get(QuantMath.LE_SHORT, p + 2));
            int o = dstOffset + b * QK;
            for (int j = 0; j < 16; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, p + 4 + j) & 0xFF;
                dst[o + j] = (q & 0x0F) * d + m;
                dst[o + j + 16] = (q >>> 4) * d + m;
            }
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                         MemorySegment dst, long dstOffset) {
        int nb = QuantArgs.checkQuantize(this, src, srcOffset, nrows, nPerRow, imatrix);
        byte[] block = new byte[BLOCK_BYTES];
        int[] levels = new int[QK];
        int[] aux = new int[QK];
        float[] negMin = new float[1];
        float[] w = new float[QK];
        long out = dstOffset;
        for (int r = 0; r < nrows; r++) {
            int row = srcOffset + r * nPerRow;
            float sigma2 = imatrix != null ? QuantMath.sumOfSquares(src, row, nPerRow) / nPerRow : 0;
            for (int b = 0; b < nb; b++) {
                int x0 = row + b * QK;
                if (imatrix == null) {
                    LegacyReferenceQuantizer.withMin(src, x0, QK, 15, true, block, levels);
                } else {
                    QuantMath.sigmaWeights(src, x0, imatrix, b * QK, sigma2, false, w, QK);
                    float d = KQuantMath.makeQkx3Quants(QK, 15, src, x0, w, 0, levels, 0, negMin, 0, aux,
                            -0.9f, 0.05f, 36);
                    QuantMath.putShortLE(block, 0, QuantMath.floatToFp16(d));
                    QuantMath.putShortLE(block, 2, QuantMath.floatToFp16(-negMin[0]));
                }
                for (int j = 0; j < 16; j++) {
                    block[4 + j] = (byte) (levels[j] | levels[j + 16] << 4);
                }
                MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, out, BLOCK_BYTES);
                out += BLOCK_BYTES;
            }
        }
    }
}
