package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Q8_0 (id 8): fp16 d + 32 int8, y = d·q (spec §5.1). The imatrix is ignored, as in ggml. */
public final class Q8_0Codec implements QuantCodec {

    private static final int QK = 32;
    private static final int BLOCK_BYTES = 34;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type(), dst, dstOffset, n);
        int nb = n / QK;
        for (int b = 0; b < nb; b++) {
            long p = srcOffset + (long) b * BLOCK_BYTES;
            float d = QuantMath.fp16At(src, p);
            int o = dstOffset + b * QK;
            for (int j = 0; j < QK; j++) {
                dst[o + j] = src.get(ValueLayout.JAVA_BYTE, p + 2 + j) * d;
            }
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                         MemorySegment dst, long dstOffset) {
        int nb = QuantArgs.checkQuantize(this, src, srcOffset, nrows, nPerRow, imatrix);
        byte[] block = new byte[BLOCK_BYTES];
        long out = dstOffset;
        int totalBlocks = nrows * nb;
        for (int b = 0; b < totalBlocks; b++) {
            int x0 = srcOffset + b * QK;
            float amax = QuantMath.maxAbs(src, x0, QK);
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            QuantMath.putFp16(block, 0, d);
            for (int j = 0; j < QK; j++) {
                block[2 + j] = (byte) QuantMath.roundHalfAwayFromZero(src[x0 + j] * id);
            }
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, out, BLOCK_BYTES);
            out += BLOCK_BYTES;
        }
    }
}
