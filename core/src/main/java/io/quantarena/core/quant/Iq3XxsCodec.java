package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * IQ3_XXS (id 18), 256 elements in 98 bytes (spec/quant-types.md §8.5): fp16 d, 64 grid
 * indices (one per 4 elements), then per 32-element sub-block a uint32 of four 7-bit
 * even-parity sign indices (one per 8 elements) and a 4-bit scale s; y = d·(0.5+s)·0.5·grid·sign.
 */
public final class Iq3XxsCodec extends LatticeCodec {

    private static final int K_MAX_Q = 8;
    private static final byte[] GRID = LatticeTables.IQ3XXS_GRID;
    private static final byte[] SIGNS = LatticeTables.KSIGNS_IQ2XS;

    @Override
    public GgmlType type() {
        return GgmlType.IQ3_XXS;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16ToFloat(src.get(QuantMath.LE_SHORT, p));
        for (int ib = 0; ib < 8; ib++) {
            int bits = src.get(QuantMath.LE_INT, p + 66 + 4L * ib);
            float db = d * (0.5f + (bits >>> 28)) * 0.5f;
            for (int k = 0; k < 4; k++) {
                int signs = SIGNS[(bits >>> (7 * k)) & 127];
                for (int h = 0; h < 2; h++) {
                    int e = 4 * (src.get(ValueLayout.JAVA_BYTE, p + 2 + 8 * ib + 2 * k + h) & 0xFF);
                    for (int j = 0; j < 4; j++) {
                        dst[o + 32 * ib + 8 * k + 4 * h + j] = signed(db * GRID[e + j], signs, 4 * h + j);
                    }
                }
            }
        }
    }

    @Override
    BlockEncoder newEncoder() {
        return new Encoder(LatticeGrids.iq3xxs());
    }

    /** §8.5 quantizer with its working arrays. */
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
        private final int[] signsAndScales = new int[8];

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
            QuantMath.putShortLE(block, 0, QuantMath.floatToFp16(d * 1.0125f));
            float id = 1 / d;
            for (int ib = 0; ib < 8; ib++) {
                int l = LatticeQuantMath.scaleNibble(id, scales[ib], 15);
                QuantMath.putIntLE(block, 66 + 4 * ib, signsAndScales[ib] | l << 28);
            }
        }

        /** One 32-element sub-block: writes its 8 grid indices, remembers its signs and returns its scale. */
        private float subBlock(float[] x, int xb, float[] qw, int qwOff, float sigma2, int ib, byte[] block) {
            signsAndScales[ib] = 0;
            if (qw != null) {
                QuantMath.sigmaWeights(x, xb, qw, qwOff, sigma2, false, w, 32);
            } else {
                QuantMath.squareWeights(x, xb, w, 32);
            }
            LatticeQuantMath.sqrt(w, waux, 32);
            for (int k = 0; k < 4; k++) {
                signs[k] = LatticeQuantMath.paritySigns(x, xb + 8 * k, w, 8 * k, xval, 8 * k);
            }
            float max = LatticeQuantMath.max(xval, 0, 32);
            if (max < 1e-8f) {
                return 0; // grid indices 0, no signs
            }
            float best = 0;
            float scale = max / (2 * K_MAX_Q - 1);
            for (int is = -15; is <= 15; is++) {
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
                // only the groups that needed a neighbour are searched again with the fitted scale
                float id = 1 / scale;
                for (int k = 0; k < 8; k++) {
                    if (!onGrid[k]) {
                        grid.searchGroup(id, scale, xval, waux, 4 * k, K_MAX_Q - 1, codes);
                    }
                }
                LatticeQuantMath.latticeFit(w, xval, codes, 32, fit);
                if (fit[1] > 0) {
                    scale = fit[0] / fit[1];
                }
            }
            if (scale < 0) {
                scale = -scale;
                for (int k = 0; k < 4; k++) {
                    signs[k] = ~signs[k] & 127;
                }
            }
            for (int k = 0; k < 8; k++) {
                block[2 + 8 * ib + k] = (byte) grid.indexOfCodes(codes, 4 * k, "IQ3_XXS");
            }
            signsAndScales[ib] = signs[0] | signs[1] << 7 | signs[2] << 14 | signs[3] << 21;
            return scale;
        }
    }
}
