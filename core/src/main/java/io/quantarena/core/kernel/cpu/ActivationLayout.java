package io.quantarena.core.kernel.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.function.IntUnaryOperator;

/**
 * The order in which a row kernel reads the activation, and the group sums it needs.
 *
 * <p>Why: the fast kernels load 64 weight bytes as one 512-bit vector of 16 int lanes and pull
 * each code out of every lane at once (a rotate and a mask), so lane i of the j-th code vector
 * holds byte 4i + j/2 (or similar) of the block, not element 16j + i. Instead of shuffling the
 * weights of every row, x is permuted once per matrix-vector product into that order: element
 * {@code k} of every span of {@link #span} values is {@code x[span·s + perm[k]]}.
 *
 * <p>Group sums: {@code Σ x} over natural groups of {@code sumGroup} elements, times
 * {@code sumFactor}, {@code groupsPerBlock} of them per block, stored {@code sumsStride} apart
 * (zero-padded, or repeated), so that a kernel can load one block's sums as a vector.
 */
public final class ActivationLayout {

    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;

    /** x as is. */
    public static final ActivationLayout NATURAL = new ActivationLayout("natural", 1, null, 0, 0f, 0, 0);
    /** x as is, with Σ x over each group of 16 (formats with an additive block minimum). */
    public static final ActivationLayout NATURAL_SUMS16 = new ActivationLayout("natural+sums16", 16, null, 16, 1f, 1, 1);
    /**
     * Q4_K's 32-byte chunks (low nibble of byte l: element l, high nibble: element 32 + l), read
     * 64 bytes at a time: code vector g = 2k + h (byte k of each lane, nibble h) holds in lane i
     * element 64·(i/8) + 32·h + 4·(i%8) + k of the 128. Sums: −Σ x per 32-element sub-block, eight
     * per 256, written twice (the kernel multiplies them with its scales and its mins in one vector).
     */
    public static final ActivationLayout NIBBLES_32 = new ActivationLayout("nibbles-32", 128, ActivationLayout::nibbles32,
            32, -1f, 8, 16, true);
    /** {@link #NIBBLES_32} with Σ x per 16-element sub-block, sixteen per 256 (IQ5_K's shifted levels). */
    public static final ActivationLayout NIBBLES_32_SUMS16 = new ActivationLayout("nibbles-32+sums16", 128,
            ActivationLayout::nibbles32, 16, 1f, 16, 16);
    /**
     * 16-byte sub-blocks with low nibble of byte m = element m, high nibble = element 16 + m
     * (IQ4_XS, IQ4_KS, IQ4_K), read 64 bytes at a time: code vector g = 2k + h holds in lane i
     * element 32·(i/4) + 16·h + 4·(i%4) + k of the 128. No sums (IQ4_XS).
     */
    public static final ActivationLayout NIBBLES_16 = new ActivationLayout("nibbles-16", 128, ActivationLayout::nibbles16,
            0, 0f, 0, 0);
    /** {@link #NIBBLES_16} with Σ x per 32-element sub-block, eight per 256 padded to sixteen (IQ4_KS's shifted levels). */
    public static final ActivationLayout NIBBLES_16_SUMS32 = new ActivationLayout("nibbles-16+sums32", 128,
            ActivationLayout::nibbles16, 32, 1f, 8, 16);
    /** {@link #NIBBLES_16} with Σ x per 16-element sub-block, sixteen per 256 (IQ4_K's shifted levels). */
    public static final ActivationLayout NIBBLES_16_SUMS16 = new ActivationLayout("nibbles-16+sums16", 128,
            ActivationLayout::nibbles16, 16, 1f, 16, 16);
    /**
     * Q6_K's 128-element halves (codes built from ql and qh bytes l of the half's four 32-element
     * quarters), read 64 code bytes at a time: code vector g holds in lane i element
     * 64·(g/4) + 32·(i/8) + 4·(i%8) + g%4 of the 128. Sums: −1.5·Σ x per 16-element sub-block,
     * sixteen per 256.
     */
    public static final ActivationLayout Q6_K_CODES = new ActivationLayout("q6_K-codes", 128,
            k -> 64 * ((k / 16) / 4) + 32 * ((k % 16) / 8) + 4 * (k % 8) + (k / 16) % 4, 16, -1.5f, 16, 16);

    private static int nibbles32(int k) {
        return 64 * ((k % 16) / 8) + 32 * ((k / 16) % 2) + 4 * (k % 8) + (k / 16) / 2;
    }

    private static int nibbles16(int k) {
        return 32 * ((k % 16) / 4) + 16 * ((k / 16) % 2) + 4 * (k % 4) + (k / 16) / 2;
    }

    /**
     * IQ3_K's 256-element blocks read as one 64-byte vector of 2-bit planes: code vector c = 4f + k
     * (2-bit field f of byte k of each lane) holds in lane i element 32·(4·(i/8) + f) + 4·(i%8) + k.
     * Sums: Σ x per 16-element sub-block (IQ3_K's shifted levels).
     */
    public static final ActivationLayout IQ3_K_CODES = new ActivationLayout("iq3_K-codes", 256,
            k -> 32 * (4 * ((k % 16) / 8) + (k / 16) / 4) + 4 * (k % 8) + (k / 16) % 4, 16, 1f, 16, 16);

    private final String name;
    private final int span;
    private final int[] perm;
    private final int sumGroup;
    private final float sumFactor;
    private final int groupsPerBlock;
    private final int sumsStride;
    /** Whether a block's sums are written twice (at g and groupsPerBlock + g) instead of zero-padded. */
    private final boolean repeatSums;

    private ActivationLayout(String name, int span, IntUnaryOperator element, int sumGroup, float sumFactor,
                             int groupsPerBlock, int sumsStride) {
        this(name, span, element, sumGroup, sumFactor, groupsPerBlock, sumsStride, false);
    }

    private ActivationLayout(String name, int span, IntUnaryOperator element, int sumGroup, float sumFactor,
                             int groupsPerBlock, int sumsStride, boolean repeatSums) {
        this.name = name;
        this.span = span;
        this.sumGroup = sumGroup;
        this.sumFactor = sumFactor;
        this.groupsPerBlock = groupsPerBlock;
        this.sumsStride = sumsStride;
        this.repeatSums = repeatSums;
        if (element == null) {
            this.perm = null;
        } else {
            this.perm = new int[span];
            boolean[] seen = new boolean[span];
            for (int k = 0; k < span; k++) {
                int e = element.applyAsInt(k);
                if (e < 0 || e >= span || seen[e]) {
                    throw new IllegalStateException("layout " + name + ": position " + k + " maps to element " + e
                            + ", which is outside [0, " + span + ") or taken twice (expected a permutation)");
                }
                seen[e] = true;
                perm[k] = e;
            }
        }
    }

    public String name() {
        return name;
    }

    /** Length of the sums array for {@code n} elements. */
    int sumsLength(int n) {
        if (sumGroup == 0) {
            return 0;
        }
        int blockElements = sumGroup * groupsPerBlock;
        return (n + blockElements - 1) / blockElements * sumsStride;
    }

    /** Writes {@code x[0..n)} in this layout into {@code into}; n must be a multiple of {@link #span}. */
    void prepare(float[] x, int n, PreparedActivation into) {
        if (n % span != 0 || (sumGroup > 0 && n % (sumGroup * groupsPerBlock) != 0) || x.length < n) {
            throw new IllegalArgumentException("activation of " + n + " elements (array of " + x.length
                    + ") does not fit layout " + name + " (expected a multiple of " + span + ")");
        }
        float[] v = into.reset(this, x, n, n, sumsLength(n));
        if (perm == null) {
            System.arraycopy(x, 0, v, 0, n);
        } else {
            for (int base = 0; base < n; base += span) {
                for (int k = 0; k < span; k += 16) {
                    FloatVector.fromArray(F16, x, base, perm, k).intoArray(v, base + k);
                }
            }
        }
        if (sumGroup > 0) {
            float[] s = into.sums();
            int blocks = n / (sumGroup * groupsPerBlock);
            for (int b = 0; b < blocks; b++) {
                for (int g = 0; g < sumsStride; g++) {
                    float t = 0;
                    if (g < groupsPerBlock || repeatSums) {
                        for (int i = (b * groupsPerBlock + g % groupsPerBlock) * sumGroup, end = i + sumGroup; i < end; i++) {
                            t += x[i];
                        }
                    }
                    s[b * sumsStride + g] = sumFactor * t;
                }
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
