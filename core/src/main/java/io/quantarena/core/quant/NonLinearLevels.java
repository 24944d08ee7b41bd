package io.quantarena.core.quant;

/**
 * One sorted set of non-linear int8 levels with ggml's index-table nearest-level search
 * (spec/quant-types.md §2.8). The normal and the shifted half of an ik table are two instances
 * that share the index table. Immutable.
 */
final class NonLinearLevels {

    private final int[] levels;
    private final float[] values;
    /** ggml's index table as unsigned values, shared by the two halves of a pair (null for the IQ2 sets). */
    private final int[] index;
    private final int limit;
    /** IQ6 rule: subtract the first level in float before truncating. */
    private final boolean offsetInFloat;

    private NonLinearLevels(byte[] table, int from, int count, int[] index, int limit, boolean offsetInFloat) {
        this.levels = new int[count];
        this.values = new float[count];
        for (int i = 0; i < count; i++) {
            levels[i] = table[from + i];
            values[i] = table[from + i];
        }
        this.index = index;
        this.limit = limit;
        this.offsetInFloat = offsetInFloat;
    }

    /** The index table (read only), for the vector search's gathers. */
    int[] indexTable() {
        return index;
    }

    /** The level values (read only), for the vector search's gathers. */
    float[] values() {
        return values;
    }

    int limit() {
        return limit;
    }

    boolean offsetInFloat() {
        return offsetInFloat;
    }

    /** The two halves {normal, shifted} of an ik level table. */
    static NonLinearLevels[] pair(byte[] table, byte[] index, int limit, boolean offsetInFloat) {
        int n = table.length / 2;
        int[] unsigned = null;
        if (index != null) {
            unsigned = new int[index.length];
            for (int i = 0; i < index.length; i++) {
                unsigned[i] = index[i] & 0xFF;
            }
        }
        return new NonLinearLevels[] {
                new NonLinearLevels(table, 0, n, unsigned, limit, offsetInFloat),
                new NonLinearLevels(table, n, n, unsigned, limit, offsetInFloat)};
    }

    int size() {
        return levels.length;
    }

    int level(int i) {
        return levels[i];
    }

    float value(int i) {
        return values[i];
    }

    /** Index of the level nearest to {@code v} as ggml's {@code best_index_*} computes it. */
    int nearest(float v) {
        int ix = offsetInFloat ? (int) (v - values[0]) : (int) v - levels[0];
        if (ix < 0) {
            return 0;
        }
        int n = levels.length;
        if (ix >= limit) {
            return n - 1;
        }
        int t = index[ix];
        if (t < n) {
            return t;
        }
        int i = t - n;
        return v - values[i] < values[i + 1] - v ? i : i + 1;
    }

    /** ggml's {@code best_index_iq2nl} for the 4-level IQ2 sets (no index table). */
    int nearestOf4(float v) {
        int idx = v < values[1] ? 0 : (v > values[2] ? 2 : 1);
        return v - values[idx] < values[idx + 1] - v ? idx : idx + 1;
    }
}
