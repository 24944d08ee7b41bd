package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * IQ1_M (id 29), 256 elements in 56 bytes (spec/quant-types.md §8.8): 32 low bytes of 11-bit
 * grid indices (one per 8 elements), 16 bytes with the high index bits and a shift sign per
 * group, and four uint16 holding 3-bit scales of the 16-element sub-blocks plus, in their top
 * nibbles, the fp16 super-block scale; y = d·(2s+1)·(g + δ), δ = ±0.125, g ∈ {−1, 0, 1}.
 */
public final class Iq1MCodec extends LatticeCodec {

    private static final byte[] GRID = LatticeTables.IQ1S_GRID;
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Shift-sign bits of a 16-element sub-block for combination k (bit 3: group 0 negative, bit 7: group 1). */
    private static final int[] SHIFT_BITS = {0x00, 0x80, 0x08, 0x88};

    @Override
    public GgmlType type() {
        return GgmlType.IQ1_M;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        long sc = src.get(LE_LONG, p + 48); // four uint16 scale words
        int bits = (int) ((sc >>> 12) & 0x000F | (sc >>> 24) & 0x00F0 | (sc >>> 36) & 0x0F00 | (sc >>> 48) & 0xF000);
        float d = QuantMath.fp16ToFloat((short) bits);
        for (int ib = 0; ib < 16; ib++) {
            float dl = d * (2 * (int) ((sc >>> (16 * (ib / 4) + 3 * (ib % 4))) & 7) + 1);
            int qh = src.get(ValueLayout.JAVA_BYTE, p + 32 + ib) & 0xFF;
            for (int h = 0; h < 2; h++) {
                int g = 2 * ib + h;
                int hb = qh >>> (4 * h);
                int index = (src.get(ValueLayout.JAVA_BYTE, p + g) & 0xFF) | (hb & 7) << 8;
                float delta = (hb & 8) != 0 ? -Iq1Levels.DELTA : Iq1Levels.DELTA;
                for (int j = 0; j < 8; j++) {
                    dst[o + 8 * g + j] = dl * (GRID[8 * index + j] + delta);
                }
            }
        }
    }

    @Override
    BlockEncoder newEncoder() {
        return new Encoder(LatticeGrids.iq1s());
    }

    /** Shifted values of group h (0: first 8, 1: last 8) under combination k: 0 (+,+), 1 (+,−), 2 (−,+), 3 (−,−). */
    private static float[] groupValues(int k, int h) {
        return (h == 0 ? k < 2 : k % 2 == 0) ? Iq1Levels.X_P : Iq1Levels.X_M;
    }

    /** §8.8 quantizer with its working arrays. */
    private static final class Encoder implements BlockEncoder {
        private final LatticeGrid grid;
        private final float[] sigma2 = new float[8];
        private final float[] w = new float[16];
        private final int[] order = new int[16];
        /** Prefix sums in sorted order of w·x and w, separately for the elements of group 0 and group 1. */
        private final float[][] sumx = new float[2][17];
        private final float[][] sumw = new float[2][17];
        private final float[] parts = new float[12];
        private final int[] codes = new int[QK];
        private final float[] scales = new float[16];
        private final int[] combos = new int[16];
        private final int[] sc = new int[4];
        /** Shift combination chosen by the last {@link #subBlock} call. */
        private int combo;

        Encoder(LatticeGrid grid) {
            this.grid = grid;
        }

        @Override
        public void encode(float[] x, int x0, float[] qw, int qwOff, byte[] block) {
            for (int b = 0; b < 8; b++) {
                sigma2[b] = 1.5f * QuantMath.sumOfSquares(x, x0 + 32 * b, 32) / 32;
            }
            float maxScale = 0;
            for (int ib = 0; ib < 16; ib++) {
                int xb = x0 + 16 * ib;
                weights(x, xb, qw, qwOff + 16 * ib, sigma2[ib / 2]);
                if (QuantMath.maxAbs(x, xb, 16) < 1e-7f) {
                    // index bytes stay 0; the reference leaves the shift undefined, we use (+,+)
                    scales[ib] = 0;
                    combos[ib] = 0;
                    Arrays.fill(codes, 16 * ib, 16 * ib + 16, 1);
                    continue;
                }
                float sumwx = 0;
                for (int j = 1; j < 16; j++) { // element 0 is not part of this test in the reference
                    sumwx += w[j] * Math.abs(x[xb + j]);
                }
                if (sumwx == 0) {
                    QuantMath.squareWeights(x, xb, w, 16);
                }
                float scale = subBlock(x, xb, 16 * ib);
                scales[ib] = scale;
                combos[ib] = combo;
                maxScale = Math.max(maxScale, scale);
                for (int h = 0; h < 2; h++) {
                    int index = grid.indexOfCodes(codes, 16 * ib + 8 * h, "IQ1_M");
                    block[2 * ib + h] = (byte) index;
                    block[32 + ib] |= (byte) ((index >>> 8) << (4 * h));
                }
            }
            if (maxScale == 0) {
                Arrays.fill(block, (byte) 0);
                return;
            }
            float d = maxScale / 15;
            float id = 1 / d;
            Arrays.fill(sc, 0);
            // final super-block scale: least squares over the 256 values with the stored sub-block scales
            float sumqx = 0;
            float sumq2 = 0;
            for (int ib = 0; ib < 16; ib++) {
                int l = LatticeQuantMath.scaleNibble(id, scales[ib], 7);
                sc[ib / 4] |= l << (3 * (ib % 4));
                block[32 + ib] |= (byte) SHIFT_BITS[combos[ib]];
                int xb = x0 + 16 * ib;
                weights(x, xb, qw, qwOff + 16 * ib, sigma2[ib / 2]);
                for (int h = 0; h < 2; h++) {
                    float[] xx = groupValues(combos[ib], h);
                    for (int i = 0; i < 8; i++) {
                        float q = xx[codes[16 * ib + 8 * h + i]] * (2 * l + 1);
                        float wi = w[8 * h + i];
                        sumqx += wi * q * x[xb + 8 * h + i];
                        sumq2 += wi * q * q;
                    }
                }
            }
            if (sumq2 > 0) {
                d = sumqx / sumq2;
            }
            int dBits = QuantMath.floatToFp16(d * 1.085f) & 0xFFFF;
            for (int i = 0; i < 4; i++) {
                QuantMath.putShortLE(block, 48 + 2 * i, (short) (sc[i] | ((dBits >>> (4 * i)) & 0xF) << 12));
            }
        }

        private void weights(float[] x, int xb, float[] qw, int qwOff, float sigma2) {
            if (qw != null) {
                QuantMath.sigmaWeights(x, xb, qw, qwOff, sigma2, false, w, 16);
            } else {
                QuantMath.squareWeights(x, xb, w, 16);
            }
        }

        /**
         * {@code iq1m_process_1block} (§8.8 step 2) on the 16 values at xb with weights w: leaves
         * on-grid codes in {@code codes[off …]}, the combination in {@link #combo} and returns the scale (≥ 0).
         */
        private float subBlock(float[] x, int xb, int off) {
            LatticeQuantMath.sortAscending(x, xb, order, 16);
            for (int g = 0; g < 2; g++) {
                sumx[g][0] = 0;
                sumw[g][0] = 0;
            }
            // plain (unfused) sums here, unlike IQ1_S: fusing them moves row 26 of the imatrix
            // reference vectors further away (24 instead of 5 differing bytes)
            for (int r = 0; r < 16; r++) {
                int j = order[r];
                int g = j < 8 ? 0 : 1;
                sumx[g][r + 1] = sumx[g][r] + w[j] * x[xb + j];
                sumw[g][r + 1] = sumw[g][r] + w[j];
                sumx[1 - g][r + 1] = sumx[1 - g][r];
                sumw[1 - g][r + 1] = sumw[1 - g][r];
            }
            float best = 0;
            float scale = 0;
            int besti1 = 0;
            int besti2 = 0;
            int bestK = 0;
            for (int i1 = 0; i1 <= 16; i1++) {
                for (int i2 = i1; i2 <= 16; i2++) {
                    for (int g = 0; g < 2; g++) {
                        float[] px = sumx[g];
                        float[] pw = sumw[g];
                        parts[3 * g] = px[i1];
                        parts[3 * g + 1] = px[i2] - px[i1];
                        parts[3 * g + 2] = px[16] - px[i2];
                        parts[6 + 3 * g] = pw[i1];
                        parts[6 + 3 * g + 1] = pw[i2] - pw[i1];
                        parts[6 + 3 * g + 2] = pw[16] - pw[i2];
                    }
                    for (int k = 0; k < 4; k++) {
                        float[] a = groupValues(k, 0);
                        float[] b = groupValues(k, 1);
                        float sumqx = Iq1Levels.splitSum(parts[0], parts[1], parts[2], a)
                                + Iq1Levels.splitSum(parts[3], parts[4], parts[5], b);
                        float sumq2 = Iq1Levels.splitSumOfSquares(parts[6], parts[7], parts[8], a)
                                + Iq1Levels.splitSumOfSquares(parts[9], parts[10], parts[11], b);
                        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                            scale = sumqx / sumq2;
                            best = scale * sumqx;
                            besti1 = i1;
                            besti2 = i2;
                            bestK = k;
                        }
                    }
                }
            }
            for (int r = 0; r < 16; r++) {
                codes[off + order[r]] = r < besti1 ? 0 : r < besti2 ? 1 : 2;
            }
            if (scale < 0) {
                for (int i = 0; i < 16; i++) {
                    codes[off + i] = 2 - codes[off + i];
                }
                scale = -scale;
                bestK = 3 - bestK;
            }
            boolean anyOffGrid = false;
            for (int h = 0; h < 2; h++) {
                int u = 0;
                for (int i = 0; i < 8; i++) {
                    u |= codes[off + 8 * h + i] << (2 * i);
                }
                if (grid.indexOf(u) < 0) {
                    anyOffGrid = true;
                    int n = grid.bestNeighbourIq1(u, x, xb + 8 * h, w, 8 * h, scale, groupValues(bestK, h));
                    for (int i = 0; i < 8; i++) {
                        codes[off + 8 * h + i] = grid.codes[8 * n + i];
                    }
                }
            }
            if (anyOffGrid) {
                // the neighbours may fit another shift combination better: choose again from the final codes
                float bestScore = 0;
                for (int k = 0; k < 4; k++) {
                    float sumqx = 0;
                    float sumq2 = 0;
                    for (int h = 0; h < 2; h++) {
                        float[] xx = groupValues(k, h);
                        for (int i = 0; i < 8; i++) {
                            float q = xx[codes[off + 8 * h + i]];
                            float wi = w[8 * h + i];
                            sumqx += wi * q * x[xb + 8 * h + i];
                            sumq2 += wi * q * q;
                        }
                    }
                    if (sumqx > 0 && sumq2 > 0 && sumqx * sumqx > bestScore * sumq2) {
                        scale = sumqx / sumq2;
                        bestScore = scale * sumqx;
                        bestK = k;
                    }
                }
            }
            combo = bestK;
            return scale;
        }
    }
}
