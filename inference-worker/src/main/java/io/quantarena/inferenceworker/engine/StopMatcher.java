package io.quantarena.inferenceworker.engine;

import java.util.List;

/**
 * Applies stop strings to streamed text: text that could still become the start of a stop string is
 * held back, and on a match everything from the stop string on is dropped. Not thread-safe.
 */
final class StopMatcher {

    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean matched;

    StopMatcher(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    boolean matched() {
        return matched;
    }

    /** Adds generated text; returns the part that can be shown now (empty once a stop string matched). */
    String accept(String text) {
        if (matched) {
            return "";
        }
        if (stops.isEmpty()) {
            return text;
        }
        held.append(text);
        int first = -1;
        for (String s : stops) {
            int i = held.indexOf(s);
            if (i >= 0 && (first < 0 || i < first)) {
                first = i;
            }
        }
        if (first >= 0) {
            matched = true;
            String out = held.substring(0, first);
            held.setLength(0);
            return out;
        }
        int keep = longestSuffixThatStartsAStop();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** The text still held back, at the end of generation. */
    String finish() {
        String out = matched ? "" : held.toString();
        held.setLength(0);
        return out;
    }

    private int longestSuffixThatStartsAStop() {
        int best = 0;
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, held.length()); len > best; len--) {
                if (endsWithPrefix(s, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    private boolean endsWithPrefix(String stop, int len) {
        int from = held.length() - len;
        for (int i = 0; i < len; i++) {
            if (held.charAt(from + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
