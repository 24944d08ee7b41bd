package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * IQ4_NL (id 20): fp16 d + 16 bytes of nibbles indexing {@code kvalues_iq4nl};
 * y = d·V[q] (spec §7). Each 32-block is quantized alone (σ² over the block).
 */
public final class Iq4NlCodec implements QuantCodec {

    private static final int QK = 32;
    private static final int BLOCK_BYTES = 18;
    private static final NonLinearLevels V = IqkLevels.IQ4NL;

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_NL;
    }

    @Override
    public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type(), dst, dstOffset, n);
        int nb = n / QK;
        for (int b = 0; b < nb; b++) {
            long p = srcOffset + (long) b * BLOCK_BYTES;
            float d = QuantMath.fp16At(src, p);
            int o = dstOffset + b * QK;
            for (int j = 0; j < 16; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, p + 2 + j) & 0xFF;
                dst[o + j] = d * V.level(q & 0x0F);
                dst[o + j + 16] = d * V.level(q >>> 4);
            }
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                         MemorySegment dst, long dstOffset) {
        int nb = QuantArgs.checkQuantize(this, src, srcOffset, nrows, nPerRow, imatrix);
        Iq4NlSearch search = new Iq4NlSearch();
        float[] scale = new float[1];
        byte[] block = new byte[BLOCK_BYTES];
        byte[] levels = new byte[QK];
        long out = dstOffset;
        for (int r = 0; r < nrows; r++) {
            int row = srcOffset + r * nPerRow;
            for (int b = 0; b < nb; b++) {
                int x0 = row + b * QK;
                search.subBlockScales(src, x0, QK, imatrix, b * QK, scale);
                float d = scale[0];
                float id = d != 0 ? 1 / d : 0;
                for (int j = 0; j < QK; j++) {
                    levels[j] = (byte) V.nearest(id * src[x0 + j]);
                }
                QuantMath.putFp16(block, 0, d);
                for (int j = 0; j < 16; j++) {
                    block[2 + j] = (byte) (levels[j] | levels[j + 16] << 4);
                }
                MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, out, BLOCK_BYTES);
                out += BLOCK_BYTES;
            }
        }
    }
}
