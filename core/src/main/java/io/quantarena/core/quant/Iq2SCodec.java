package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * IQ2_S (id 22), 256 elements in 82 bytes (spec/quant-types.md §8.4): fp16 d, low bytes of the
 * 10-bit grid indices (one per group of 8), an 8-bit sign mask per group, the 2 high index bits
 * of every group, and 4-bit scales of the 16-element sub-blocks; y = d·(0.5+s)·0.25·grid·sign.
 */
public final class Iq2SCodec extends LatticeCodec {

    private static final int K_MAX_Q = 3;
    private static final byte[] GRID = LatticeTables.IQ2S_GRID;

    @Override
    public GgmlType type() {
        return GgmlType.IQ2_S;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16ToFloat(src.get(QuantMath.LE_SHORT, p));
        for (int ib = 0; ib < 16; ib++) {
            int sc = src.get(ValueLayout.JAVA_BYTE, p + 74 + ib / 2) & 0xFF;
            float db = d * (0.5f + ((sc >>> (4 * (ib % 2))) & 0xF)) * 0.25f;
            for (int h = 0; h < 2; h++) {
                int g = 2 * ib + h;
                int qh = src.get(ValueLayout.JAVA_BYTE, p + 66 + g / 4) & 0xFF;
                int index = (src.get(ValueLayout.JAVA_BYTE, p + 2 + g) & 0xFF) | ((qh >>> (2 * (g % 4))) & 3) << 8;
                int signs = src.get(ValueLayout.JAVA_BYTE, p + 34 + g) & 0xFF;
                for (int j = 0; j < 8; j++) {
                    dst[o + 8 * g + j] = signed(db * GRID[8 * index + j], signs, j);
                }
            }
        }
    }

    @Override
    BlockEncoder newEncoder() {
        return new Encoder(LatticeGrids.iq2s());
    }

    /** §8.4 quantizer with its working arrays. */
    private static final class Encoder implements BlockEncoder {
        private final LatticeGrid grid;
        private final float[] w = new float[16];
        private final float[] waux = new float[16];
        private final float[] xval = new float[16];
        private final int[] signs = new int[2];
        private final int[] codes = new int[16];
        private final int[] candidate = new int[16];
        private final boolean[] onGrid = new boolean[2];
        private final boolean[] candidateOnGrid = new boolean[2];
        private final float[] fit = new float[2];
        private final float[] scales = new float[16];

        Encoder(LatticeGrid grid) {
            this.grid = grid;
        }

        @Override
        public void encode(float[] x, int x0, float[] qw, int qwOff, byte[] block) {
            float sigma2 = 2 * QuantMath.sumOfSquares(x, x0, QK) / QK;
            float maxScale = 0;
            for (int ib = 0; ib < 16; ib++) {
                float scale = subBlock(x, x0 + 16 * ib, qw, qwOff + 16 * ib, sigma2, ib, block);
                scales[ib] = scale;
                maxScale = Math.max(maxScale, scale);
            }
            if (maxScale == 0) {
                Arrays.fill(block, (byte) 0);
                return;
            }
            float d = maxScale / 31;
            QuantMath.putShortLE(block, 0, QuantMath.floatToFp16(d * 0.9875f));
            float id = 1 / d;
            for (int ib = 0; ib < 16; ib++) {
                block[74 + ib / 2] |= (byte) (LatticeQuantMath.scaleNibble(id, scales[ib], 15) << (4 * (ib % 2)));
            }
        }

        /** One 16-element sub-block (two groups of 8): writes indices and signs, returns its scale. */
        private float subBlock(float[] x, int xb, float[] qw, int qwOff, float sigma2, int ib, byte[] block) {
            if (qw != null) {
                QuantMath.sigmaWeights(x, xb, qw, qwOff, sigma2, false, w, 16);
            } else {
                LatticeQuantMath.offsetSquareWeights(x, xb, 0.25f * sigma2, w, 16);
            }
            LatticeQuantMath.sqrt(w, waux, 16);
            for (int k = 0; k < 2; k++) {
                signs[k] = LatticeQuantMath.plainSigns(x, xb + 8 * k, xval, 8 * k);
            }
            float max = LatticeQuantMath.max(xval, 0, 16);
            if (max < 1e-8f) {
                return 0;
            }
            float best = 0;
            float scale = max / (2 * K_MAX_Q - 1);
            onGrid[0] = onGrid[1] = false;
            for (int is = -9; is <= 9; is++) {
                float id = (2 * K_MAX_Q - 1 + is * 0.1f) / max;
                float thisScale = 1 / id;
                for (int k = 0; k < 2; k++) {
                    candidateOnGrid[k] = grid.searchGroup(id, thisScale, xval, waux, 8 * k, K_MAX_Q - 1, candidate) >= 0;
                }
                LatticeQuantMath.latticeFit(w, xval, candidate, 16, fit);
                if (fit[1] > 0 && fit[0] * fit[0] > best * fit[1]) {
                    scale = fit[0] / fit[1];
                    best = scale * fit[0];
                    System.arraycopy(candidate, 0, codes, 0, 16);
                    System.arraycopy(candidateOnGrid, 0, onGrid, 0, 2);
                }
            }
            if ((!onGrid[0] || !onGrid[1]) && scale > 0) {
                float id = 1 / scale;
                for (int k = 0; k < 2; k++) {
                    if (!onGrid[k]) {
                        grid.searchGroup(id, scale, xval, waux, 8 * k, K_MAX_Q - 1, codes);
                    }
                }
                LatticeQuantMath.latticeFit(w, xval, codes, 16, fit);
                if (fit[1] > 0) {
                    scale = fit[0] / fit[1];
                }
            }
            if (scale < 0) {
                scale = -scale;
                signs[0] = ~signs[0] & 0xFF;
                signs[1] = ~signs[1] & 0xFF;
            }
            for (int k = 0; k < 2; k++) {
                int g = 2 * ib + k;
                int index = grid.indexOfCodes(codes, 8 * k, "IQ2_S");
                block[2 + g] = (byte) index;
                block[34 + g] = (byte) signs[k];
                block[66 + g / 4] |= (byte) ((index >>> 8) << (2 * (g % 4)));
            }
            return scale;
        }
    }
}
