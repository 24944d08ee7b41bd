package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q5_1 (id 7): fp16 d, fp16 m, qh (uint32: bit j = bit 4 of element j), 16 bytes of low
 * nibbles; y = q·d + m (spec §5.5). Without imatrix the reference min/max quantizer; with
 * imatrix {@code make_qkx3_quants(32, 31)} on weights qw·√(σ²+x²), σ² the row's mean square.
 */
public final class Q5_1Codec implements QuantCodec {

    private static final int QK = 32;
    private static final int BLOCK_BYTES = 24;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    @Override
    public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type(), dst, dstOffset, n);
        int nb = n / QK;
        for (int b = 0; b < nb; b++) {
            long p = srcOffset + (long) b * BLOCK_BYTES;
            float d = QuantMath.fp16ToFloat(src.get(QuantMath.LE_SHORT, p));
            float m = QuantMath.fp16ToFloat(src.get(QuantMath.LE_SHORT, p + 2));
            int qh = src.get(QuantMath.LE_INT, p + 4);
            int o = dstOffset + b * QK;
            for (int j = 0; j < 16; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, p + 8 + j) & 0xFF;
                int lo = (q & 0x0F) | ((qh >>> j) & 1) << 4;
                int hi = (q >>> 4) | ((qh >>> (j + 16)) & 1) << 4;
                dst[o + j] = lo * d + m;
                dst[o + j + 16] = hi * d + m;
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
                    LegacyReferenceQuantizer.withMin(src, x0, QK, 31, false, block, levels);
                } else {
                    QuantMath.sigmaWeights(src, x0, imatrix, b * QK, sigma2, false, w, QK);
                    float d = KQuantMath.makeQkx3Quants(QK, 31, src, x0, w, 0, levels, 0, negMin, 0, aux,
                            -0.9f, 0.05f, 36);
                    QuantMath.putShortLE(block, 0, QuantMath.floatToFp16(d));
                    QuantMath.putShortLE(block, 2, QuantMath.floatToFp16(-negMin[0]));
                }
                int qh = 0;
                for (int j = 0; j < 16; j++) {
                    int lo = levels[j];
                    int hi = levels[j + 16];
                    block[8 + j] = (byte) ((lo & 0x0F) | (hi & 0x0F) << 4);
                    qh |= (lo >>> 4) << j | (hi >>> 4) << (j + 16);
                }
                QuantMath.putIntLE(block, 4, qh);
                MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, out, BLOCK_BYTES);
                out += BLOCK_BYTES;
            }
        }
    }
}
