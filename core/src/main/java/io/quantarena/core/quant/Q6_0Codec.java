package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q6_0 (ik id 133), 32 elements in 26 bytes; y = (q − 32)·d. Not described in the spec's
 * prose: the layout and the quantizer below were inferred from the reference data
 * ({@code testdata/quant/Q6_0.*}) and match it byte for byte.
 *
 * <pre>
 * offset 0   d       fp16
 * offset 2   qh[8]   high 2 bits: element j (j = 0…15) in qh[j % 8] at bit 4·(j / 8),
 *                    element j+16 in qh[j % 8] at bit 4·(j / 8) + 2
 * offset 10  qs[16]  low 4 bits: low nibble element j, high nibble element j+16 (as Q4_0)
 * </pre>
 *
 * Quantizer: unlike Q5_0 there is no truncating "reference" rounding path. Both with and
 * without imatrix the scale comes from {@code make_qx_quants(32, 32, …)} (§2.2, with the ik
 * refinement): without imatrix on the default weights x², with imatrix on qw·√(σ²+x²) with
 * σ² = Σx²/ne0 over the row (as Q5_0's imatrix path). An all-zero block gives d = +0 and
 * all q = 0.
 */
public final class Q6_0Codec implements QuantCodec {

    private static final int QK = 32;
    private static final int BLOCK_BYTES = 26;

    @Override
    public GgmlType type() {
        return GgmlType.Q6_0;
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
                int h = (src.get(ValueLayout.JAVA_BYTE, p + 2 + (j & 7)) & 0xFF) >>> (4 * (j >>> 3));
                int q = src.get(ValueLayout.JAVA_BYTE, p + 10 + j) & 0xFF;
                int lo = (q & 0x0F) | (h & 3) << 4;
                int hi = (q >>> 4) | ((h >>> 2) & 3) << 4;
                dst[o + j] = (lo - 32) * d;
                dst[o + j + 16] = (hi - 32) * d;
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
                    d = KQuantMath.makeQxQuants(QK, 32, src, x0, levels, 0, null, 0);
                } else {
                    QuantMath.sigmaWeights(src, x0, imatrix, b * QK, sigma2, false, w, QK);
                    d = KQuantMath.makeQxQuants(QK, 32, src, x0, levels, 0, w, 0);
                }
                QuantMath.putShortLE(block, 0, QuantMath.floatToFp16(d));
                for (int j = 0; j < 8; j++) {
                    block[2 + j] = 0;
                }
                for (int j = 0; j < 16; j++) {
                    int lo = levels[j];
                    int hi = levels[j + 16];
                    block[10 + j] = (byte) ((lo & 0x0F) | (hi & 0x0F) << 4);
                    block[2 + (j & 7)] |= (byte) (((lo >>> 4) | (hi >>> 4) << 2) << (4 * (j >>> 3)));
                }
                MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, out, BLOCK_BYTES);
                out += BLOCK_BYTES;
            }
        }
    }
}
