package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.quantarena.core.quant.QuantMath.LE_SHORT;
import static io.quantarena.core.quant.QuantMath.fp16At;
import static io.quantarena.core.quant.QuantMath.u8;

/**
 * IQ6_K (spec/quant-types.md §9.6), 212 bytes per 256: fp16 d, shift bits, int8 scales of sixteen
 * 16-element sub-blocks, low 4 index bits in qs (as IQ5_K), bits 4–5 in qh.
 *
 * <p>{@link #dequantizeRow} follows ggml's generic row dequantizer, which evaluates the level
 * polynomial with fused multiply-adds; {@link #dequantizeRowForProducts} uses the int8 table, as
 * the quantizer and the reference's matrix-multiplication kernels do. The table is the polynomial
 * rounded to the nearest integer (levels differ by up to 0.49).
 */
final class Iq6KCodec extends IqkSignedScaleCodec {

    Iq6KCodec() {
        super(GgmlType.IQ6_K, IqkLevels.IQ6, 5, true, -127, 127, 127, true, false);
    }

    /** Lazily built dequantization levels: the fused polynomial of index q, normal then shifted (+1). */
    private static final class PolynomialLevels {
        static final float[] VALUES = new float[128];

        static {
            for (int q = 0; q < 64; q++) {
                float fq = q;
                float v = Math.fma(fq, Math.fma(fq, Math.fma(fq, 0.0011972f, -0.11218f), 6.2568f), -127f);
                VALUES[q] = v;
                VALUES[64 + q] = v + 1;
            }
        }
    }

    /** The int8 table as floats, normal then shifted (+1). */
    private static final class TableLevels {
        static final float[] VALUES = new float[128];

        static {
            for (int i = 0; i < 128; i++) {
                VALUES[i] = IqkTables.IQ6NL_VALUES[i];
            }
        }
    }

    /** The polynomial levels of {@link #dequantizeRow} (for tests). */
    static float polynomialLevel(int index) {
        return PolynomialLevels.VALUES[index];
    }

    @Override
    public void dequantizeRowForProducts(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(GgmlType.IQ6_K, dst, dstOffset, n);
        decodeRow(src, srcOffset, n / QK, dst, dstOffset, TableLevels.VALUES);
    }

    @Override
    void storeScale(byte[] out, int blk, int ib, int ls) {
        out[blk + 4 + ib] = (byte) ls;
    }

    @Override
    void storeIndex(byte[] out, int blk, int e, int idx) {
        int b = e / 32;
        int j = e % 32;
        out[blk + 20 + 32 * (b / 2) + j] |= (byte) ((idx & 15) << 4 * (b % 2));
        out[blk + 148 + 32 * (b / 4) + j] |= (byte) ((idx >> 4) << 2 * (b % 4));
    }

    @Override
    void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff) {
        decodeRow(src, off, nb, dst, dstOff, PolynomialLevels.VALUES);
    }

    private static void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff, float[] levels) {
        long blk = off;
        int y = dstOff;
        for (int ibl = 0; ibl < nb; ibl++, blk += 212, y += QK) {
            float d = fp16At(src, blk);
            int extra = src.get(LE_SHORT, blk + 2);
            for (int ib = 0; ib < 16; ib++) {
                float dl = d * src.get(ValueLayout.JAVA_BYTE, blk + 4 + ib);
                int shift = 64 * ((extra >> ib) & 1);
                int b = ib / 2;
                long qs = blk + 20 + 32 * (b / 2);
                long qh = blk + 148 + 32 * (b / 4);
                int sl = 4 * (b % 2);
                int sh = 2 * (b % 4);
                int j0 = 16 * (ib % 2);
                int yb = y + 16 * ib;
                for (int j = j0; j < j0 + 16; j++) {
                    int idx = ((u8(src, qs + j) >> sl) & 15) | ((u8(src, qh + j) >> sh) & 3) << 4;
                    dst[yb + j - j0] = dl * levels[shift + idx];
                }
            }
        }
    }
}
