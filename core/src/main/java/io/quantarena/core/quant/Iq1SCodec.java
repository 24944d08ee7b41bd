package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * IQ1_S (id 19), 256 elements in 50 bytes (spec/quant-types.md §8.7): fp16 d, 32 low bytes of
 * 11-bit grid indices (one per 8 elements), and per 32-element sub-block a uint16 with the high
 * index bits, a 3-bit scale s and the sign of the shift δ = ±0.125; y = d·(2s+1)·(g + δ) with
 * g ∈ {−1, 0, 1}. The reference refuses to quantize it without an importance matrix.
 */
public final class Iq1SCodec extends LatticeCodec {

    private static final byte[] GRID = LatticeTables.IQ1S_GRID;

    @Override
    public GgmlType type() {
        return GgmlType.IQ1_S;
    }

    @Override
    public boolean requiresImatrix() {
        return true;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16ToFloat(src.get(QuantMath.LE_SHORT, p));
        for (int ib = 0; ib < 8; ib++) {
            int qh = src.get(QuantMath.LE_SHORT, p + 34 + 2L * ib) & 0xFFFF;
            float dl = d * (2 * ((qh >>> 12) & 7) + 1);
            float delta = (qh & 0x8000) != 0 ? -Iq1Levels.DELTA : Iq1Levels.DELTA;
            for (int k = 0; k < 4; k++) {
                int index = (src.get(ValueLayout.JAVA_BYTE, p + 2 + 4 * ib + k) & 0xFF) | ((qh >>> (3 * k)) & 7) << 8;
                for (int j = 0; j < 8; j++) {
                    dst[o + 32 * ib + 8 * k + j] = dl * (GRID[8 * index + j] + delta);
                }
            }
        }
    }

    @Override
    BlockEncoder newEncoder() {
        return new Encoder(LatticeGrids.iq1s());
    }

    /** §8.7 quantizer with its working arrays. */
    private static final class Encoder implements BlockEncoder {
        private final LatticeGrid grid;
        private final float[] w = new float[32];
        private final int[] order = new int[32];
        private final float[] sumx = new float[33];
        private final float[] sumw = new float[33];
        private final int[] codes = new int[32];
        private final float[] scales = new float[8];
        private final int[] shifts = new int[8];
        private final int[] qh = new int[8];
        /** Shift sign (+1 / −1) chosen by the last {@link #subBlock} call. */
        private int shift;

        Encoder(LatticeGrid grid) {
            this.grid = grid;
        }

        @Override
        public void encode(float[] x, int x0, float[] qw, int qwOff, byte[] block) {
            Arrays.fill(qh, 0);
            float sigma2 = 2 * QuantMath.sumOfSquares(x, x0, QK) / QK;
            float maxScale = 0;
            for (int ib = 0; ib < 8; ib++) {
                int xb = x0 + 32 * ib;
                QuantMath.sigmaWeights(x, xb, qw, qwOff + 32 * ib, sigma2, false, w, 32); // qw: required, never null
                float scale = subBlock(x, xb);
                scales[ib] = scale;
                shifts[ib] = shift;
                maxScale = Math.max(maxScale, scale);
                for (int k = 0; k < 4; k++) {
                    int index = grid.indexOfCodes(codes, 8 * k, "IQ1_S");
                    block[2 + 4 * ib + k] = (byte) index;
                    qh[ib] |= (index >>> 8) << (3 * k);
                }
            }
            if (maxScale > 0) {
                float d = maxScale / 15;
                QuantMath.putShortLE(block, 0, QuantMath.floatToFp16(d * 1.125f));
                float id = 1 / d;
                for (int ib = 0; ib < 8; ib++) {
                    int l = LatticeQuantMath.scaleNibble(id, scales[ib], 7);
                    qh[ib] |= (l | (shifts[ib] == -1 ? 8 : 0)) << 12;
                }
            }
            for (int ib = 0; ib < 8; ib++) {
                QuantMath.putShortLE(block, 34 + 2 * ib, (short) qh[ib]);
            }
        }

        /**
         * {@code iq1s_process_1block} (§8.7 steps 1–6) on the 32 values at xb with weights w:
         * leaves on-grid codes in {@link #codes}, the shift sign in {@link #shift}, and returns the
         * (non-negative) scale.
         */
        private float subBlock(float[] x, int xb) {
            float max = QuantMath.maxAbs(x, xb, 32);
            if (max < 1e-12f) {
                Arrays.fill(codes, 0); // grid point 0
                shift = 1;
                return 0;
            }
            // exhaustive search over the splits of the sorted values into codes 0 | 1 | 2
            LatticeQuantMath.sortAscending(x, xb, order, 32);
            LatticeQuantMath.fusedPrefixSums(x, xb, w, order, 32, sumx, sumw);
            float best = -Float.MIN_NORMAL;
            float scale = max;
            int besti1 = 0;
            int besti2 = 0;
            int bestShift = 1;
            for (int i1 = 0; i1 <= 32; i1++) {
                for (int i2 = i1; i2 <= 32; i2++) {
                    float sx0 = sumx[i1];
                    float sx1 = sumx[i2] - sumx[i1];
                    float sx2 = sumx[32] - sumx[i2];
                    float sw0 = sumw[i1];
                    float sw1 = sumw[i2] - sumw[i1];
                    float sw2 = sumw[32] - sumw[i2];
                    for (int sh = 1; sh >= -1; sh -= 2) {
                        float[] xx = sh == 1 ? Iq1Levels.X_P : Iq1Levels.X_M;
                        float sumqx = Iq1Levels.splitSum(sx0, sx1, sx2, xx);
                        float sumq2 = Iq1Levels.splitSumOfSquares(sw0, sw1, sw2, xx);
                        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                            scale = sumqx / sumq2;
                            best = scale * sumqx;
                            besti1 = i1;
                            besti2 = i2;
                            bestShift = sh;
                        }
                    }
                }
            }
            for (int r = 0; r < 32; r++) {
                codes[order[r]] = r < besti1 ? 0 : r < besti2 ? 1 : 2;
            }
            if (scale < 0) {
                for (int i = 0; i < 32; i++) {
                    codes[i] = 2 - codes[i];
                }
                scale = -scale;
                bestShift = -bestShift;
            }
            float[] xx = bestShift == 1 ? Iq1Levels.X_P : Iq1Levels.X_M;
            boolean anyOffGrid = false;
            for (int k = 0; k < 4; k++) {
                int u = 0;
                for (int i = 0; i < 8; i++) {
                    u |= codes[8 * k + i] << (2 * i);
                }
                if (grid.indexOf(u) < 0) {
                    anyOffGrid = true;
                    int n = grid.bestNeighbourIq1(u, x, xb + 8 * k, w, 8 * k, scale, xx);
                    for (int i = 0; i < 8; i++) {
                        codes[8 * k + i] = grid.codes[8 * n + i];
                    }
                }
            }
            if (anyOffGrid) {
                float sumqx = 0;
                float sumq2 = 0;
                for (int i = 0; i < 32; i++) {
                    float q = xx[codes[i]];
                    sumqx += w[i] * q * x[xb + i];
                    sumq2 += w[i] * q * q;
                }
                if (sumqx > 0 && sumq2 > 0) {
                    scale = sumqx / sumq2;
                }
            }
            shift = bestShift;
            return scale;
        }
    }
}
