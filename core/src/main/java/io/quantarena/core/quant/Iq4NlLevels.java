package io.quantarena.core.quant;

/**
 * The 16 non-linear 4-bit levels {@code kvalues_iq4nl} and ggml's nearest-level lookup
 * {@code best_index_iq4nl} (spec/quant-types.md §2.8, tables/kvalues_iq4nl.txt and
 * tables/iq4nl_index.txt). The lookup goes through the reference's index table rather than a
 * plain nearest search so that float edge cases resolve as in ggml. It also serves the shifted
 * level sets of IQ4_K/IQ4_KS (uniform offsets of these levels).
 */
public final class Iq4NlLevels {

    /** kvalues_iq4nl, ascending. */
    public static final int[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /** iq4nl_index: entry ix = (int)v − vals[0]; below 16 the level, otherwise 16 + lower of two candidates. */
    private static final byte[] INDEX = {
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 16, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 17, 17, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
            2, 2, 2, 2, 2, 18, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 19, 4,
            4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 20, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
            5, 5, 21, 21, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 22, 7, 7, 7, 7, 7, 7, 7, 7,
            7, 7, 23, 23, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 24, 9, 9, 9, 9, 9, 9, 9, 9, 9,
            9, 9, 25, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 26, 26, 11, 11, 11, 11, 11, 11, 11, 11,
            11, 11, 11, 11, 27, 27, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 28, 13, 13, 13,
            13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 29, 14, 14, 14, 14, 14, 14, 14, 14, 14,
            14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 30, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,
            15
    };

    private Iq4NlLevels() {
    }

    /** Index of the level nearest to {@code v} among {@code vals[off .. off+16)} (ascending). */
    public static int bestIndex(int[] vals, int off, float v) {
        int ix = (int) v - vals[off];
        if (ix < 0) {
            return 0;
        }
        if (ix >= INDEX.length) {
            return 15;
        }
        int t = INDEX[ix];
        if (t < 16) {
            return t;
        }
        int i = t - 16;
        return v - vals[off + i] < vals[off + i + 1] - v ? i : i + 1;
    }

    /** Index of the level of {@link #VALUES} nearest to {@code v}. */
    public static int bestIndex(float v) {
        return bestIndex(VALUES, 0, v);
    }
}
