package io.quantarena.core.tokenizer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token ids of recently seen words; words repeat a lot in natural text, and their tokenization does not
 * depend on the context. Cleared when full (cheap, and good enough for a working set of words).
 */
final class WordCache {

    private final int limit;
    private final ConcurrentHashMap<String, int[]> map = new ConcurrentHashMap<>();

    WordCache(int limit) {
        this.limit = limit;
    }

    int[] get(String word) {
        return map.get(word);
    }

    void put(String word, int[] ids) {
        if (map.size() >= limit) {
            map.clear();
        }
        map.put(word, ids);
    }
}
