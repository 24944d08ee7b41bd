package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/** BF16 (id 30): the upper 16 bits of binary32, round-to-nearest-even on encode (spec §1). */
public final class Bf16Codec implements QuantCodec {

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type(), dst, dstOffset, n);
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = QuantMath.bf16ToFloat(src.get(QuantMath.LE_SHORT, srcOffset + 2L * i));
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                         MemorySegment dst, long dstOffset) {
        QuantArgs.checkQuantize(this, src, srcOffset, nrows, nPerRow, imatrix);
        int n = Math.multiplyExact(nrows, nPerRow);
        for (int i = 0; i < n; i++) {
            dst.set(QuantMath.LE_SHORT, dstOffset + 2L * i, QuantMath.floatToBf16(src[srcOffset + i]));
        }
    }
}
