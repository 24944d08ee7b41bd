package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * IQ2_XXS (id 16), 256 elements in 66 bytes (spec/quant-types.md §8.2): fp16 d, then per
 * 32-element sub-block a uint32 of four grid indices (one per group of 8) and a uint32 of four
 * 7-bit even-parity sign indices plus a 4-bit scale s; y = d·(0.5+s)·0.25·grid·sign.
 * The reference refuses to quantize it without an importance matrix.
 */
public final class Iq2XxsCodec extends LatticeCodec {

    private static final int K_MAX_Q = 3;
    private static final byte[] GRID = LatticeTables.IQ2XXS_GRID;
    private static final byte[] SIGNS = LatticeTables.KSIGNS_IQ2XS;

    @Override
    public GgmlType type() {
        return GgmlType.IQ2_XXS;
    }

    @Override
    public boolean requiresImatrix() {
        return true;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16ToFloat(src.get(QuantMath.LE_SHORT, p));
        for (int ib = 0; ib < 8; ib++) {
            int grids = src.get(QuantMath.LE_INT, p + 2 + 8L * ib);
            int bits = src.get(QuantMath.LE_INT, p + 6 + 8L * ib);
            float db = d * (0.5f + (bits >>> 28)) * 0.25f;
            for (int k = 0; k < 4; k++) {
                int e = 8 * ((grids >>> (8 * k)) & 0xFF);
                int signs = SIGNS[(bits >>> (7 * k)) & 127];
                for (int j = 0; j < 8; j++) {
                    dst[o + 32 * ib + 8 * k + j] = signed(db * GRID[e + j], signs, j);
                }
            }
        }
    }

    @Override
    BlockEncoder newEncoder() {
        return new Encoder(LatticeGrids.iq2xxs());
    }

    /** §8.2 quantizer with its working arrays. */
    private static final class Encoder implements BlockEncoder {
        private final LatticeGrid grid;
        private final float[] w = new float[32];
        private final float[] waux = new float[32];
        private final float[] xval = new float[32];
        private final int[] signs = new int[4];
        private final int[] codes = new int[32];
        private final int[] candidate = new int[32];
        private final int[] levels = new int[32];
        private final float[] fit = new float[2];
        private final float[] scales = new float[8];
        private final int[] q2 = new int[16];

        Encoder(LatticeGrid grid) {
            this.grid = grid;
        }

        @Override
        public void encode(float[] x, int x0, float[] qw, int qwOff, byte[] block) {
            Arrays.fill(q2, 0);
            float sigma2 = QuantMath.sumOfSquares(x, x0, QK) / QK;
            float maxScale = 0;
            for (int ib = 0; ib < 8; ib++) {
                float scale = subBlock(x, x0 + 32 * ib, qw, qwOff + 32 * ib, sigma2, ib);
                scales[ib] = scale;
                maxScale = Math.max(maxScale, scale);
            }
            if (maxScale == 0) {
                return; // d = 0, all quants 0
            }
            float d = maxScale / 31;
            QuantMath.putShortLE(block, 0, QuantMath.floatToFp16(d));
            float id = 1 / d;
            for (int ib = 0; ib < 8; ib++) {
                q2[2 * ib + 1] |= LatticeQuantMath.scaleNibble(id, scales[ib], 15) << 28;
            }
            for (int i = 0; i < 16; i++) {
                QuantMath.putIntLE(block, 2 + 4 * i, q2[i]);
            }
        }

        /** One 32-element sub-block: fills q2[2ib], q2[2ib+1] (without the scale) and returns its scale. */
        private float subBlock(float[] x, int xb, float[] qw, int qwOff, float sigma2, int ib) {
            if (qw != null) {
                QuantMath.sigmaWeights(x, xb, qw, qwOff, sigma2, false, w, 32);
            } else {
                LatticeQuantMath.offsetSquareWeights(x, xb, 0.25f * sigma2, w, 32);
            }
            LatticeQuantMath.sqrt(w, waux, 32);
            for (int k = 0; k < 4; k++) {
                signs[k] = LatticeQuantMath.paritySigns(x, xb + 8 * k, w, 8 * k, xval, 8 * k);
            }
            float max = LatticeQuantMath.max(xval, 0, 32);
            if (max < 1e-15f) {
                return 0; // grid index 0, no signs
            }
            float scale = LatticeQuantMath.qpScale(32, K_MAX_Q + 1, xval, 0, w, 0, levels);
            float effMax = scale * K_MAX_Q;
            float best = 0;
            for (int is = -6; is <= 6; is++) {
                float id = (2 * K_MAX_Q - 1 + is * 0.1f) / effMax;
                float thisScale = 1 / id;
                for (int k = 0; k < 4; k++) {
                    grid.searchGroup(id, thisScale, xval, waux, 8 * k, K_MAX_Q - 1, candidate);
                }
                LatticeQuantMath.latticeFit(w, xval, candidate, 32, fit);
                if (fit[1] > 0 && fit[0] * fit[0] > best * fit[1]) {
                    scale = fit[0] / fit[1];
                    best = scale * fit[0];
                    System.arraycopy(candidate, 0, codes, 0, 32);
                }
            }
            if (scale > 0) {
                // all four groups again with the fitted scale (ik recomputes on-grid groups too)
                float id = 1 / scale;
                for (int k = 0; k < 4; k++) {
                    grid.searchGroup(id, scale, xval, waux, 8 * k, K_MAX_Q - 1, codes);
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
            for (int k = 0; k < 4; k++) {
                q2[2 * ib] |= grid.indexOfCodes(codes, 8 * k, "IQ2_XXS") << (8 * k);
                q2[2 * ib + 1] |= signs[k] << (7 * k);
            }
            return scale;
        }
    }
}
