package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/** F16 (id 1): IEEE binary16, round-to-nearest-even on encode, NaN written as 0x7E00 (spec §1). */
public final class F16Codec implements QuantCodec {

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type(), dst, dstOffset, n);
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = QuantMath.fp16At(src, srcOffset + 2L * i);
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                         MemorySegment dst, long dstOffset) {
        QuantArgs.checkQuantize(this, src, srcOffset, nrows, nPerRow, imatrix);
        int n = Math.multiplyExact(nrows, nPerRow);
        for (int i = 0; i < n; i++) {
            dst.set(QuantMath.LE_SHORT, dstOffset + 2L * i, QuantMath.floatToFp16(src[srcOffset + i]));
        }
    }
}
