package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * IQ4_XS (id 23), 256 elements in 136 bytes: fp16 d, scales_h (uint16), scales_l[4],
 * qs[128]; eight 32-element sub-blocks with 6-bit scales ls − 32; y = d·ls·V[q] (spec §7).
 */
public final class Iq4XsCodec implements QuantCodec {

    private static final int QK = 256;
    private static final int SUB = 32;
    private static final int BLOCK_BYTES = 136;
    private static final NonLinearLevels V = IqkLevels.IQ4NL;

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_XS;
    }

    @Override
    public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type(), dst, dstOffset, n);
        int nb = n / QK;
        for (int b = 0; b < nb; b++) {
            long p = srcOffset + (long) b * BLOCK_BYTES;
            float d = QuantMath.fp16At(src, p);
            int scalesH = src.get(QuantMath.LE_SHORT, p + 2) & 0xFFFF;
            for (int ib = 0; ib < QK / SUB; ib++) {
                int lowByte = src.get(ValueLayout.JAVA_BYTE, p + 4 + ib / 2) & 0xFF;
                int ls = ((lowByte >>> (4 * (ib % 2))) & 0x0F | ((scalesH >>> (2 * ib)) & 3) << 4) - 32;
                float dl = d * ls;
                int o = dstOffset + b * QK + ib * SUB;
                long qs = p + 8 + 16L * ib;
                for (int j = 0; j < 16; j++) {
                    int q = src.get(ValueLayout.JAVA_BYTE, qs + j) & 0xFF;
                    dst[o + j] = dl * V.level(q & 0x0F);
                    dst[o + j + 16] = dl * V.level(q >>> 4);
                }
            }
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                         MemorySegment dst, long dstOffset) {
        int nb = QuantArgs.checkQuantize(this, src, srcOffset, nrows, nPerRow, imatrix);
        Iq4NlSearch search = new Iq4NlSearch();
        float[] scales = new float[QK / SUB];
        byte[] block = new byte[BLOCK_BYTES];
        byte[] levels = new byte[SUB];
        long out = dstOffset;
        for (int r = 0; r < nrows; r++) {
            int row = srcOffset + r * nPerRow;
            for (int b = 0; b < nb; b++) {
                int x0 = row + b * QK;
                float maxScale = search.subBlockScales(src, x0, QK, imatrix, b * QK, scales);
                java.util.Arrays.fill(block, (byte) 0);
                float d = -maxScale / 32;
                float id = d != 0 ? 1 / d : 0;
                QuantMath.putFp16(block, 0, d);
                int scalesH = 0;
                for (int ib = 0; ib < QK / SUB; ib++) {
                    int l = Math.max(-32, Math.min(31, QuantMath.nearestIntOfProduct(id, scales[ib])));
                    int ls = l + 32;
                    block[4 + ib / 2] |= (byte) ((ls & 0x0F) << (4 * (ib % 2)));
                    scalesH |= (ls >>> 4) << (2 * ib);
                    float dl = d * l;
                    float idl = dl != 0 ? 1 / dl : 0;
                    int xs = x0 + ib * SUB;
                    for (int j = 0; j < SUB; j++) {
                        levels[j] = (byte) V.nearest(idl * src[xs + j]);
                    }
                    for (int j = 0; j < 16; j++) {
                        block[8 + 16 * ib + j] = (byte) (levels[j] | levels[j + 16] << 4);
                    }
                }
                QuantMath.putShortLE(block, 2, (short) scalesH);
                MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, out, BLOCK_BYTES);
                out += BLOCK_BYTES;
            }
        }
    }
}
