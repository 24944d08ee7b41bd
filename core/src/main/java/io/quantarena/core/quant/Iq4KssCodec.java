package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.quant.QuantMath.LE_FLOAT;
import static io.quantarena.core.quant.QuantMath.LE_SHORT;
import static io.quantarena.core.quant.QuantMath.putFloatLE;
import static io.quantarena.core.quant.QuantMath.putShortLE;
import static io.quantarena.core.quant.QuantMath.sumOfSquares;

/**
 * IQ4_KSS (spec/quant-types.md §9.9): float32 row scale, then per 256 block 64 little-endian
 * 16-bit words. Each 32-element sub-block owns eight words; bit 0 of word k is bit k of the
 * sub-block's scale byte, the other 15 bits encode four 4-bit level indices whose 16-bit packing
 * has an even number of set bits (so its top bit is implied). The quantizer "prunes" index
 * quadruples of odd parity to the cheapest even one.
 *
 * <p>Reproduces the reference literally where it looks odd: the "−" candidates of the scale search
 * are pruned against +x with scale +1/id (28/28 rows identical; pruning against −x gives 3–4/28),
 * and prune measures the old index against the normal levels even for the shifted set. The search
 * and final sums are fused (fma(w·q, x, sum)): unfused they give 27/28 resp. 19–22/28 identical
 * rows; the other products (weights, prune costs, mse) made no difference and are rounded alone.
 */
final class Iq4KssCodec extends IqkCodec<Iq4KssCodec.Scratch> {

    private static final int BLOCK_BYTES = 128;
    private static final int NTRY = 7;

    static final class Scratch {
        final float[] w = new float[32];
        final float[] scales;
        final int[] vp = new int[8];
        final int[] vm = new int[8];
        final int[] vs = new int[8];
        final float[] xv = new float[4];
        final float[] wv = new float[4];

        Scratch(int nPerRow) {
            scales = new float[nPerRow / 32];
        }
    }

    Iq4KssCodec() {
        super(GgmlType.IQ4_KSS, 32);
    }

    @Override
    Scratch newScratch(int nPerRow) {
        return new Scratch(nPerRow);
    }

    /** Element (0…31) of the sub-block that nibble p (0…3) of group k holds. */
    private static int element(int k, int p) {
        return 2 * k + (p & 1) * 16 + (p >> 1);
    }

    @Override
    void encodeRow(float[] x, int xOff, float[] qw, int nb, byte[] out, Scratch s) {
        NonLinearLevels normal = IqkLevels.IQ4[0];
        NonLinearLevels shifted = IqkLevels.IQ4[1];
        float amaxScale = 0;
        for (int ibl = 0; ibl < nb; ibl++) {
            int xb = xOff + ibl * QK;
            float sigma2 = 2 * sumOfSquares(x, xb, QK) / QK;
            for (int ib = 0; ib < 8; ib++) {
                int xs = xb + 32 * ib;
                QuantMath.importanceWeights(x, xs, qw, ibl * QK + 32 * ib, sigma2, false, false, s.w, 0, 32);
                float sc = searchScale(x, xs, s, normal, shifted);
                s.scales[ibl * 8 + ib] = sc;
                amaxScale = Math.max(amaxScale, Math.abs(sc));
            }
        }
        float d = amaxScale / 127;
        if (d == 0) {
            return;
        }
        float id = 1 / d;
        float sumqx = 0;
        float sumq2 = 0;
        for (int ibl = 0; ibl < nb; ibl++) {
            int xb = xOff + ibl * QK;
            float sigma2 = 2 * sumOfSquares(x, xb, QK) / QK;
            for (int ib = 0; ib < 8; ib++) {
                int xs = xb + 32 * ib;
                QuantMath.importanceWeights(x, xs, qw, ibl * QK + 32 * ib, sigma2, false, false, s.w, 0, 32);
                int l = IqkQuantMath.oddRowScale(id, s.scales[ibl * 8 + ib]);
                float dl = d * l;
                float idl = 1 / dl;
                quads(x, xs, s, normal, idl, dl, s.vp);
                quads(x, xs, s, shifted, idl, dl, s.vs);
                float mseP = mse(x, xs, s.w, s.vp, normal, dl);
                float mseS = mse(x, xs, s.w, s.vs, shifted, dl);
                boolean isShifted = mseS < mseP;
                int[] v = isShifted ? s.vs : s.vp;
                NonLinearLevels levels = isShifted ? shifted : normal;
                int scaleByte = l + 127 + (isShifted ? 1 : 0);
                int words = 4 + ibl * BLOCK_BYTES + 16 * ib;
                for (int k = 0; k < 8; k++) {
                    int word = prefixXor15(v[k] & 0x7FFF) << 1 | ((scaleByte >> k) & 1);
                    putShortLE(out, words + 2 * k, (short) word);
                }
                for (int k = 0; k < 8; k++) {
                    for (int p = 0; p < 4; p++) {
                        int e = element(k, p);
                        float q = levels.level((v[k] >> 4 * p) & 15) * l;
                        float wq = s.w[e] * q;
                        sumqx = Math.fma(wq, x[xs + e], sumqx);
                        sumq2 = Math.fma(wq, q, sumq2);
                    }
                }
            }
        }
        putFloatLE(out, 0, sumq2 > 0 ? sumqx / sumq2 * 1.01f : d);
    }

    private static float searchScale(float[] x, int xs, Scratch s, NonLinearLevels normal, NonLinearLevels shifted) {
        int im = IqkQuantMath.argMaxAbs(x, xs, 32);
        float max = x[xs + im];
        if (Math.abs(max) < 1e-16f) {
            return 0;
        }
        float best = 0;
        float d = -max / normal.value(0);
        for (int pass = 0; pass < 2; pass++) {
            NonLinearLevels v = pass == 0 ? normal : shifted;
            for (int itry = -NTRY; itry <= NTRY; itry++) {
                float id = (itry + v.level(0)) / max;
                float thisD = 1 / id;
                quads(x, xs, s, v, id, thisD, s.vp);
                quads(x, xs, s, v, -id, thisD, s.vm);
                for (int sign = 0; sign < 2; sign++) {
                    int[] q4 = sign == 0 ? s.vp : s.vm;
                    float sumqx = 0;
                    float sumq2 = 0;
                    for (int k = 0; k < 8; k++) {
                        for (int p = 0; p < 4; p++) {
                            int e = element(k, p);
                            float q = v.value((q4[k] >> 4 * p) & 15);
                            float wq = s.w[e] * q;
                            sumqx = Math.fma(wq, x[xs + e], sumqx);
                            sumq2 = Math.fma(wq, q, sumq2);
                        }
                    }
                    if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                        d = sumqx / sumq2;
                        best = d * sumqx;
                    }
                }
            }
        }
        return d;
    }

    /** Index quadruples of the eight groups for inverse scale id, pruned to even parity with scale dl. */
    private static void quads(float[] x, int xs, Scratch s, NonLinearLevels v, float id, float dl, int[] out) {
        for (int k = 0; k < 8; k++) {
            int packed = 0;
            for (int p = 0; p < 4; p++) {
                int e = element(k, p);
                float xe = x[xs + e];
                packed |= v.nearest(id * xe) << 4 * p;
                s.xv[p] = xe;
                s.wv[p] = s.w[e];
            }
            out[k] = prune(packed, v, s.xv, s.wv, dl);
        }
    }

    /** Makes the 16-bit packing of four indices even by changing the one index that costs least. */
    static int prune(int v, NonLinearLevels levels, float[] xv, float[] wv, float dl) {
        if ((Integer.bitCount(v) & 1) == 0) {
            return v;
        }
        NonLinearLevels normal = IqkLevels.IQ4[0];
        float bestScore = Float.MAX_VALUE;
        int bestJ = -1;
        int bestQ = -1;
        for (int j = 0; j < 4; j++) {
            int q = (v >> 4 * j) & 15;
            float base = dl * normal.value(q) - xv[j];
            int parity = Integer.bitCount(q) & 1;
            for (int q1 = Math.max(0, q - 2); q1 <= Math.min(15, q + 2); q1++) {
                if (q1 == q || (Integer.bitCount(q1) & 1) == parity) {
                    continue;
                }
                float diff = dl * levels.value(q1) - xv[j];
                float score = wv[j] * (diff * diff - base * base);
                if (score < bestScore) {
                    bestScore = score;
                    bestJ = j;
                    bestQ = q1;
                }
            }
        }
        return (v & ~(15 << 4 * bestJ)) | bestQ << 4 * bestJ;
    }

    private static float mse(float[] x, int xs, float[] w, int[] v, NonLinearLevels levels, float dl) {
        float sum = 0;
        for (int k = 0; k < 8; k++) {
            for (int p = 0; p < 4; p++) {
                int e = element(k, p);
                float diff = x[xs + e] - dl * levels.value((v[k] >> 4 * p) & 15);
                sum += w[e] * diff * diff;
            }
        }
        return sum;
    }

    /** Bit k of the result = XOR of bits 0…k of the 15-bit value (ggml's IQ4_KSS scramble table). */
    static int prefixXor15(int v) {
        int t = v;
        t ^= t << 1;
        t ^= t << 2;
        t ^= t << 4;
        t ^= t << 8;
        return t & 0x7FFF;
    }

    /** The scale byte of the 32-element sub-block whose eight words start at {@code words}: bit k is bit 0 of word k. */
    static int scaleByte(MemorySegment src, long words) {
        int s = 0;
        for (int k = 0; k < 8; k++) {
            s |= (src.get(LE_SHORT, words + 2 * k) & 1) << k;
        }
        return s;
    }

    @Override
    void decodeRow(MemorySegment src, long off, int nb, float[] dst, int dstOff) {
        float d = src.get(LE_FLOAT, off);
        long blk = off + 4;
        int y = dstOff;
        for (int ibl = 0; ibl < nb; ibl++, blk += BLOCK_BYTES) {
            for (int ib = 0; ib < 8; ib++, y += 32) {
                long words = blk + 16 * ib;
                int scaleByte = scaleByte(src, words);
                NonLinearLevels v = IqkLevels.IQ4[scaleByte & 1];
                float dl = d * ((scaleByte & 254) - 127);
                for (int k = 0; k < 8; k++) {
                    int u = src.get(LE_SHORT, words + 2 * k) & 0xFFFE;
                    int q = u ^ (u >> 1);
                    dst[y + 2 * k] = dl * v.level(q & 15);
                    dst[y + 16 + 2 * k] = dl * v.level((q >> 4) & 15);
                    dst[y + 2 * k + 1] = dl * v.level((q >> 8) & 15);
                    dst[y + 17 + 2 * k] = dl * v.level((q >> 12) & 15);
                }
            }
        }
    }
}
