package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/** F32 (id 0): little-endian IEEE binary32, copied as is. */
public final class F32Codec implements QuantCodec {

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type(), dst, dstOffset, n);
        MemorySegment.copy(src, QuantMath.LE_FLOAT, srcOffset, dst, dstOffset, n);
    }

    @Override
    public void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                         MemorySegment dst, long dstOffset) {
        QuantArgs.checkQuantize(this, src, srcOffset, nrows, nPerRow, imatrix);
        MemorySegment.copy(src, srcOffset, dst, QuantMath.LE_FLOAT, dstOffset, Math.multiplyExact(nrows, nPerRow));
    }
}
