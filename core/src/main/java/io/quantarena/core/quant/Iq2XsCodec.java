package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * IQ2_XS (id 17), 256 elements in 74 bytes (spec/quant-types.md §8.3): fp16 d, 32 uint16 (9-bit
 * grid index and 7-bit even-parity sign index per group of 8), and eight bytes of 4-bit scales
 * of the 16-element sub-blocks; y = d·(0.5+s)·0.25·grid·sign. The reference refuses to
 * quantize it without an importance matrix.
 */
public final class Iq2XsCodec extends LatticeCodec {

    private static final int K_MAX_Q = 3;
    private static final byte[] GRID = LatticeTables.IQ2XS_GRID;
    private static final byte[] SIGNS = LatticeTables.KSIGNS_IQ2XS;

    @Override
    public GgmlType type() {
        return GgmlType.IQ2_XS;
    }

    @Override
    public boolean requiresImatrix() {
        return true;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16ToFloat(src.get(QuantMath.LE_SHORT, p));
        for (int ib = 0; ib < 16; ib++) {
            int sc = src.get(ValueLayout.JAVA_BYTE, p + 66 + ib / 2) & 0xFF;
            float db = d * (0.5f + ((sc >>> (4 * (ib % 2))) & 0xF)) * 0.25f;
            for (int h = 0; h < 2; h++) {
                int g = 2 * ib + h;
                int v = src.get(QuantMath.LE_SHORT, p + 2 + 2L * g) & 0xFFFF;
                int e = 8 * (v & 511);
                int signs = SIGNS[v >>> 9];
                for (int j = 0; j < 8; j++) {
                    dst[o + 8 * g + j] = signed(db * GRID[e + j], signs, j);
                }
            }
        }
    }

    @Override
    BlockEncoder newEncoder() {
        return new Encoder(LatticeGrids.iq2xs());
    }

    /** §8.3 quantizer with its working arrays. */
    private static final class Encoder implements BlockEncoder {
        private final LatticeGrid grid;
        private final float[] w = new float[16];
        private final float[] waux = new float[16];
        private final float[] xval = new float[16];
        private final int[] signs = new int[2];
        private final int[] candidate = new int[16];
        private final int[] index = new int[2];
        private final int[] candidateIndex = new int[2];
        private final int[] order = new int[16];
        private final float[] sumx = new float[17];
        private final float[] sumw = new float[17];
        private final float[] fit = new float[2];
        private final float[] scales = new float[16];
        private final int[] qs = new int[32];

        Encoder(LatticeGrid grid) {
            this.grid = grid;
        }

        @Override
        public void encode(float[] x, int x0, float[] qw, int qwOff, byte[] block) {
            Arrays.fill(qs, 0);
            float sigma2 = QuantMath.sumOfSquares(x, x0, QK) / QK;
            float maxScale = 0;
            for (int ib = 0; ib < 16; ib++) {
                float scale = subBlock(x, x0 + 16 * ib, qw, qwOff + 16 * ib, sigma2, ib);
                scales[ib] = scale;
                maxScale = Math.max(maxScale, scale);
            }
            if (maxScale == 0) {
                return; // all zero
            }
            float d = maxScale / 31;
            float id = 1 / d;
            // final super-block scale: least squares over the 256 dequantized values, times 1.05
            float sumqx = 0;
            float sumq2 = 0;
            for (int ib = 0; ib < 16; ib++) {
                int l = LatticeQuantMath.scaleNibble(id, scales[ib], 15);
                block[66 + ib / 2] |= (byte) (l << (4 * (ib % 2)));
                int xb = x0 + 16 * ib;
                weights(x, xb, qw, qwOff + 16 * ib, sigma2);
                float dl = 0.125f * (2 * l + 1);
                for (int k = 0; k < 2; k++) {
                    int v = qs[2 * ib + k];
                    int e = 8 * (v & 511);
                    int mask = SIGNS[v >>> 9];
                    for (int j = 0; j < 8; j++) {
                        float q = signed(dl * GRID[e + j], mask, j);
                        float wi = w[8 * k + j];
                        sumqx += wi * q * x[xb + 8 * k + j];
                        sumq2 += wi * q * q;
                    }
                }
            }
            QuantMath.putShortLE(block, 0, QuantMath.floatToFp16(sumq2 > 0 ? 1.05f * sumqx / sumq2 : d));
            for (int g = 0; g < 32; g++) {
                QuantMath.putShortLE(block, 2 + 2 * g, (short) qs[g]);
            }
        }

        private void weights(float[] x, int xb, float[] qw, int qwOff, float sigma2) {
            if (qw != null) {
                QuantMath.sigmaWeights(x, xb, qw, qwOff, sigma2, false, w, 16);
            } else {
                LatticeQuantMath.offsetSquareWeights(x, xb, 0.25f * sigma2, w, 16);
            }
        }

        /** One 16-element sub-block (two groups of 8): fills qs[2ib], qs[2ib+1] and returns its scale. */
        private float subBlock(float[] x, int xb, float[] qw, int qwOff, float sigma2, int ib) {
            weights(x, xb, qw, qwOff, sigma2);
            LatticeQuantMath.sqrt(w, waux, 16);
            for (int k = 0; k < 2; k++) {
                signs[k] = LatticeQuantMath.paritySigns(x, xb + 8 * k, w, 8 * k, xval, 8 * k);
            }
            float max = LatticeQuantMath.max(xval, 0, 16);
            if (max < 1e-15f) {
                return 0;
            }
            float scale = initialScale();
            float best = 0;
            float effMax = scale * (2 * K_MAX_Q - 1);
            for (int is = -7; is <= 7; is++) {
                float id = (2 * K_MAX_Q - 1 + is * 0.1f) / effMax;
                float thisScale = 1 / id;
                for (int k = 0; k < 2; k++) {
                    candidateIndex[k] = gridIndex(grid.searchGroup(id, thisScale, xval, waux, 8 * k, K_MAX_Q - 1, candidate));
                }
                LatticeQuantMath.latticeFit(w, xval, candidate, 16, fit);
                if (fit[1] > 0 && fit[0] * fit[0] > best * fit[1]) {
                    accept();
                    scale = fit[0] / fit[1];
                    best = scale * fit[0];
                }
            }
            if (scale != 0) {
                // refine: re-search with the fitted scale while the grid points change and the fit improves
                for (int iter = 0; iter < 3; iter++) {
                    float id = 1 / scale;
                    for (int k = 0; k < 2; k++) {
                        candidateIndex[k] = gridIndex(grid.searchGroup(id, scale, xval, waux, 8 * k, K_MAX_Q - 1, candidate));
                    }
                    if (candidateIndex[0] == index[0] && candidateIndex[1] == index[1]) {
                        break;
                    }
                    LatticeQuantMath.latticeFit(w, xval, candidate, 16, fit);
                    if (fit[1] > 0 && fit[0] * fit[0] > best * fit[1]) {
                        accept();
                        scale = fit[0] / fit[1];
                        best = scale * fit[0];
                    } else {
                        break;
                    }
                }
            }
            if (scale < 0) {
                scale = -scale;
                signs[0] = ~signs[0] & 127;
                signs[1] = ~signs[1] & 127;
            }
            for (int k = 0; k < 2; k++) {
                qs[2 * ib + k] = index[k] | signs[k] << 9;
            }
            return scale;
        }

        private void accept() {
            index[0] = candidateIndex[0];
            index[1] = candidateIndex[1];
        }

        private static int gridIndex(int searchResult) {
            return searchResult >= 0 ? searchResult : ~searchResult;
        }

        /**
         * Exhaustive initial scale (§8.3 step 2): the best split of the sorted magnitudes into lattice
         * values 1, 3, 5 under the §2.9 criterion; 0 if no split has positive weight.
         */
        private float initialScale() {
            LatticeQuantMath.sortAscending(xval, 0, order, 16);
            LatticeQuantMath.fusedPrefixSums(xval, 0, w, order, 16, sumx, sumw);
            float best = 0;
            float scale = 0;
            for (int i1 = 0; i1 <= 16; i1++) {
                for (int i2 = i1; i2 <= 16; i2++) {
                    float sumqx = sumx[i1] + (sumx[i2] - sumx[i1]) * 3 + (sumx[16] - sumx[i2]) * 5;
                    float sumq2 = sumw[i1] + (sumw[i2] - sumw[i1]) * 9 + (sumw[16] - sumw[i2]) * 25;
                    if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                        scale = sumqx / sumq2;
                        best = scale * sumqx;
                    }
                }
            }
            return scale;
        }
    }
}
