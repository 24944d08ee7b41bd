package io.quantarena.core.quant;

/**
 * Scalar steps shared by the lattice quantizers (spec/quant-types.md §8): sign extraction,
 * lattice codes of scaled magnitudes, {@code make_qp_quants} (§2.7), the weights of §4 and the
 * sorted prefix sums of the exhaustive searches.
 *
 * <p>Arithmetic is plain float in the order the spec writes it, except where a comment names
 * a fused multiply-add that the reference vectors measurably require (§1.1).
 */
final class LatticeQuantMath {

    private LatticeQuantMath() {
    }

    /**
     * Even-parity signs of one group of 8 (§8.1): writes |x| to {@code xval}, and if the number
     * of negative values is odd, negates the xval of the element with the smallest w·x² (strict
     * <, first) and toggles its bit. Returns the 7-bit sign index (bit 7 is implied by parity).
     */
    static int paritySigns(float[] x, int xOff, float[] w, int wOff, float[] xval, int vOff) {
        int s = plainSigns(x, xOff, xval, vOff);
        if ((Integer.bitCount(s) & 1) != 0) {
            int imin = 0;
            float min = w[wOff] * x[xOff] * x[xOff];
            for (int i = 1; i < 8; i++) {
                float ax = w[wOff + i] * x[xOff + i] * x[xOff + i];
                if (ax < min) {
                    min = ax;
                    imin = i;
                }
            }
            xval[vOff + imin] = -xval[vOff + imin];
            s ^= 1 << imin;
        }
        return s & 127;
    }

    /** Signs of one group of 8 (x ≥ 0, −0.0 included, counts as positive): |x| into xval, returns the 8-bit mask of negative x. */
    static int plainSigns(float[] x, int xOff, float[] xval, int vOff) {
        int s = 0;
        for (int i = 0; i < 8; i++) {
            float v = x[xOff + i];
            if (v >= 0) {
                xval[vOff + i] = v;
            } else {
                xval[vOff + i] = -v;
                s |= 1 << i;
            }
        }
        return s;
    }

    /** The largest of n values (the reference's {@code max} over the non-negative xval). */
    static float max(float[] v, int off, int n) {
        float m = v[off];
        for (int i = 1; i < n; i++) {
            m = Math.max(m, v[off + i]);
        }
        return m;
    }

    /** Lattice code of a scaled magnitude: clamp(nearest_int(0.5·(id·v − 1)), 0, maxCode). */
    static int latticeCode(float id, float v, int maxCode) {
        int l = QuantMath.nearestInt(0.5f * (id * v - 1));
        return Math.max(0, Math.min(maxCode, l));
    }

    /** Stored scale of a sub-block: clamp(nearest_int(0.5·(id·scale − 1)), 0, max). */
    static int scaleNibble(float id, float scale, int max) {
        int l = QuantMath.nearestInt(0.5f * (id * scale - 1));
        return Math.max(0, Math.min(max, l));
    }

    /**
     * The least-squares terms of lattice codes (§2.9): fit[0] = Σ w·xval·q, fit[1] = Σ w·q² over
     * n elements with lattice values q = 2c+1, summed in index order.
     */
    static void latticeFit(float[] w, float[] xval, int[] codes, int n, float[] fit) {
        float sumqx = 0;
        float sumq2 = 0;
        for (int i = 0; i < n; i++) {
            float q = 2 * codes[i] + 1;
            sumqx += w[i] * xval[i] * q;
            sumq2 += w[i] * q * q;
        }
        fit[0] = sumqx;
        fit[1] = sumq2;
    }

    /** Default weights w = c + x² (c = 0.25σ² for the IQ2 types). */
    static void offsetSquareWeights(float[] x, int xOff, float c, float[] w, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            w[i] = c + v * v;
        }
    }

    /** Square roots of n weights (the neighbour searches weigh by √w). */
    static void sqrt(float[] w, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.sqrt(w[i]);
        }
    }

    /**
     * Stable ascending order of n values (equal values keep their index order, as glibc's
     * merge-sort {@code qsort} leaves them): {@code order[r]} = index of the r-th smallest.
     */
    static void sortAscending(float[] x, int off, int[] order, int n) {
        for (int i = 0; i < n; i++) {
            int j = i;
            float v = x[off + i];
            while (j > 0 && x[off + order[j - 1]] > v) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
    }

    /**
     * Prefix sums in sorted order: sumx[r+1] = sumx[r] + w·v, sumw[r+1] = sumw[r] + w over the
     * elements {@code order[r]}. The w·v term is fused into the running sum: the reference
     * vectors require it for IQ1_S and IQ2_XS (one block of each, row 26, changes otherwise).
     */
    static void fusedPrefixSums(float[] v, int vOff, float[] w, int[] order, int n, float[] sumx, float[] sumw) {
        sumx[0] = 0;
        sumw[0] = 0;
        for (int r = 0; r < n; r++) {
            int j = order[r];
            sumx[r + 1] = Math.fma(w[j], v[vOff + j], sumx[r]);
            sumw[r + 1] = sumw[r] + w[j];
        }
    }

    /**
     * {@code make_qp_quants} (§2.7) on n non-negative values with levels 0…nmax; returns the
     * least-squares scale of the refined levels (the lattice quantizers need only the scale).
     * {@code levels} is scratch of at least n entries.
     */
    static float qpScale(int n, int nmax, float[] x, int xOff, float[] w, int wOff, int[] levels) {
        float max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[xOff + i]);
        }
        if (max < 1e-16f) {
            return 0;
        }
        float iscale = nmax / max;
        float scale = 1 / iscale;
        float bestMse = 0;
        for (int i = 0; i < n; i++) {
            float d = x[xOff + i] - scale * QuantMath.nearestInt(iscale * x[xOff + i]);
            bestMse += w[wOff + i] * d * d;
        }
        for (int is = -4; is <= 4; is++) {
            if (is == 0) {
                continue;
            }
            float iscaleIs = (0.1f * is + nmax) / max;
            float scaleIs = 1 / iscaleIs;
            float mse = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.min(nmax, QuantMath.nearestInt(iscaleIs * x[xOff + i]));
                float d = x[xOff + i] - scaleIs * l;
                mse += w[wOff + i] * d * d;
            }
            if (mse < bestMse) {
                bestMse = mse;
                iscale = iscaleIs;
            }
        }
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            int l = Math.min(nmax, QuantMath.nearestInt(iscale * x[xOff + i]));
            levels[i] = l;
            float wi = w[wOff + i];
            sumlx += wi * x[xOff + i] * l;
            suml2 += wi * l * l;
        }
        for (int itry = 0; itry < 5; itry++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float wi = w[wOff + i];
                float xi = x[xOff + i];
                int li = levels[i];
                float slx = sumlx - wi * xi * li;
                float sl2 = suml2 - wi * li * li;
                if (slx > 0 && sl2 > 0) {
                    int newL = Math.min(nmax, QuantMath.nearestInt(xi * sl2 / slx));
                    if (newL != li) {
                        slx += wi * xi * newL;
                        sl2 += wi * newL * newL;
                        if (slx * slx * suml2 > sumlx * sumlx * sl2) {
                            levels[i] = newL;
                            sumlx = slx;
                            suml2 = sl2;
                            changed++;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        return sumlx / suml2;
    }
}
