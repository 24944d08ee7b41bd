package io.quantarena.core.tokenizer;

import java.util.Arrays;

/**
 * (int, int) to long, open addressing with linear probing: the merge tables are looked up once per
 * candidate pair, and boxing Long keys there costs more than the rest of the merge loop.
 * Filled once at construction, then read-only (so safe to share between threads).
 */
final class IntPairMap {

    static final long MISSING = Long.MIN_VALUE;
    private static final long EMPTY_KEY = Long.MIN_VALUE; // never a key: ids are >= 0

    private long[] keys;
    private long[] values;
    private int size;
    private int mask;

    IntPairMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new long[cap];
        Arrays.fill(keys, EMPTY_KEY);
        mask = cap - 1;
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    long get(int a, int b) {
        long k = key(a, b);
        for (int i = hash(k) & mask; ; i = (i + 1) & mask) {
            long at = keys[i];
            if (at == k) {
                return values[i];
            }
            if (at == EMPTY_KEY) {
                return MISSING;
            }
        }
    }

    /** Stores the value unless the pair already has one (the first entry wins). */
    void putIfAbsent(int a, int b, long value) {
        if (a < 0 || b < 0) {
            throw new IllegalArgumentException("pair (" + a + ", " + b + "): ids must be >= 0");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        long k = key(a, b);
        for (int i = hash(k) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == k) {
                return;
            }
            if (keys[i] == EMPTY_KEY) {
                keys[i] = k;
                values[i] = value;
                size++;
                return;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY_KEY);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY_KEY) {
                putIfAbsent((int) (oldKeys[i] >>> 32), (int) oldKeys[i], oldValues[i]);
            }
        }
    }
}
