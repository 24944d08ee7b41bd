package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * IQ3_S (id 21), 256 elements in 110 bytes (spec/quant-types.md §8.6): fp16 d, low bytes of the
 * 9-bit grid indices (one per 4 elements), their high bits, an 8-bit sign mask per 8 elements
 * and 4-bit scales of the 32-element sub-blocks; y = d·(1+2s)·grid·sign.
 */
public final class Iq3SCodec extends LatticeCodec {

    private static final int K_MAX_Q = 8;
    private static final byte[] GRID = LatticeTables.IQ3S_GRID;

    @Override
    public GgmlType type() {
        return GgmlType.IQ3_S;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16ToFloat(src.get(QuantMath.LE_SHORT, p));
        for (int ib = 0; ib < 8; ib++) {
            int sc = src.get(ValueLayout.JAVA_BYTE, p + 106 + ib / 2) & 0xFF;
            float db = d * (1 + 2 * ((sc >>> (4 * (ib % 2))) & 0xF));
            int qh = src.get(ValueLayout.JAVA_BYTE, p + 66 + ib) & 0xFF;
            for (int k = 0; k < 8; k++) {
                int index = (src.get(ValueLayout.JAVA_BYTE, p + 2 + 8 * ib + k) & 0xFF) | ((qh >>> k) & 1) << 8;
                int signs = src.get(ValueLayout.JAVA_BYTE, p + 74 + 4 * ib + k / 2) & 0xFF;
                for (int j = 0; j < 4; j++) {
                    dst[o + 32 * ib + 4 * k + j] = signed(db * GRID[4 * index + j], signs, 4 * (k % 2) + j);
                }
            }
        }
    }

    @Override
    BlockEncoder newEncoder() {
        return new Encoder(LatticeGrids.iq3s());
    }

    /** §8.6 quantizer with its working arrays. */
    private static final class Encoder implements BlockEncoder {
        private final LatticeGrid grid;
        private final float[] w = new float[32];
        private final float[] waux = new float[32];
        private final float[] xval = new float[32];
        private final int[] signs = new int[4];
        private final int[] codes = new int[32];
        private final int[] candidate = new int[32];
        private final boolean[] onGrid = new boolean[8];
        private final boolean[] candidateOnGrid = new boolean[8];
        private final float[] fit = new float[2];
        private final float[] scales = new float[8];

        Encoder(LatticeGrid grid) {
            this.grid = grid;
        }

        @Override
        public void encode(float[] x, int x0, float[] qw, int qwOff, byte[] block) {
            float sigma2 = 2 * QuantMath.sumOfSquares(x, x0, QK) / QK;
            float maxScale = 0;
            for (int ib = 0; ib < 8; ib++) {
                float scale = subBlock(x, x0 + 32 * ib, qw, qwOff + 32 * ib, sigma2, ib, block);
                scales[ib] = scale;
                maxScale = Math.max(maxScale, scale);
            }
            if (maxScale == 0) {
                Arrays.fill(block, (byte) 0);
                return;
            }
            float d = maxScale / 31;
            QuantMath.putShortLE(block, 0, QuantMath.floatToFp16(d * 1.033f));
            float id = 1 / d;
            for (int ib = 0; ib < 8; ib++) {
                block[106 + ib / 2] |= (byte) (LatticeQuantMath.scaleNibble(id, scales[ib], 15) << (4 * (ib % 2)));
            }
        }

        /** One 32-element sub-block: writes its indices and signs, returns its scale. */
        private float subBlock(float[] x, int xb, float[] qw, int qwOff, float sigma2, int ib, byte[] block) {
            if (qw != null) {
                QuantMath.sigmaWeights(x, xb, qw, qwOff, sigma2, false, w, 32);
            } else {
                QuantMath.squareWeights(x, xb, w, 32);
            }
            LatticeQuantMath.sqrt(w, waux, 32);
            for (int k = 0; k < 4; k++) {
                signs[k] = LatticeQuantMath.plainSigns(x, xb + 8 * k, xval, 8 * k);
            }
            float max = LatticeQuantMath.max(xval, 0, 32);
            if (max == 0) {
                return 0;
            }
            float best = 0;
            float scale = max / (2 * K_MAX_Q - 1);
            Arrays.fill(onGrid, false);
            for (int is = -9; is <= 9; is++) {
                float id = (2 * K_MAX_Q - 1 + is * 0.2f) / max;
                float thisScale = 1 / id;
                for (int k = 0; k < 8; k++) {
                    candidateOnGrid[k] = grid.searchGroup(id, thisScale, xval, waux, 4 * k, K_MAX_Q - 1, candidate) >= 0;
                }
                LatticeQuantMath.latticeFit(w, xval, candidate, 32, fit);
                if (fit[1] > 0 && fit[0] * fit[0] > best * fit[1]) {
                    scale = fit[0] / fit[1];
                    best = scale * fit[0];
                    System.arraycopy(candidate, 0, codes, 0, 32);
                    System.arraycopy(candidateOnGrid, 0, onGrid, 0, 8);
                }
            }
            boolean anyOffGrid = false;
            for (int k = 0; k < 8; k++) {
                anyOffGrid |= !onGrid[k];
            }
            if (anyOffGrid && scale > 0) {
                // unlike IQ3_XXS, all eight groups are searched again with the fitted scale
                float id = 1 / scale;
                for (int k = 0; k < 8; k++) {
                    grid.searchGroup(id, scale, xval, waux, 4 * k, K_MAX_Q - 1, codes);
                }
                LatticeQuantMath.latticeFit(w, xval, codes, 32, fit);
                if (fit[1] > 0) {
                    scale = fit[0] / fit[1];
                }
            }
            if (scale < 0) {
                scale = -scale;
                for (int k = 0; k < 4; k++) {
                    signs[k] = ~signs[k] & 0xFF;
                }
            }
            for (int k = 0; k < 8; k++) {
                int index = grid.indexOfCodes(codes, 4 * k, "IQ3_S");
                block[2 + 8 * ib + k] = (byte) index;
                block[66 + ib] |= (byte) ((index >>> 8) << k);
            }
            for (int k = 0; k < 4; k++) {
                block[74 + 4 * ib + k] = (byte) signs[k];
            }
            return scale;
        }
    }
}
