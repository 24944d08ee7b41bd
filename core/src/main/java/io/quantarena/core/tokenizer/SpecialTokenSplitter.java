package io.quantarena.core.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;

/**
 * Cuts special-token texts out of the input before the subword algorithm runs, the way llama.cpp does:
 * special tokens are taken longest text first, and each one is cut out of every remaining raw-text
 * fragment wherever it occurs (left to right). Control and unknown tokens only count when special
 * parsing is requested; user-defined tokens always do.
 */
final class SpecialTokenSplitter {

    private final int[] alwaysIds;      // user-defined, longest first
    private final String[] alwaysTexts;
    private final int[] parseIds;       // control, unknown and user-defined, longest first
    private final String[] parseTexts;

    SpecialTokenSplitter(Vocabulary vocab) {
        List<Integer> all = new ArrayList<>();
        for (int id = 0; id < vocab.size(); id++) {
            if (vocab.tokenType(id).isSpecial() && !vocab.token(id).isEmpty()) {
                all.add(id);
            }
        }
        // stable sort: equal lengths keep id order, so the result does not depend on the sort algorithm
        all.sort(Comparator.comparingInt((Integer id) -> vocab.token(id).length()).reversed());
        List<Integer> always = all.stream().filter(id -> vocab.tokenType(id) == TokenType.USER_DEFINED).toList();
        alwaysIds = always.stream().mapToInt(Integer::intValue).toArray();
        alwaysTexts = always.stream().map(vocab::token).toArray(String[]::new);
        parseIds = all.stream().mapToInt(Integer::intValue).toArray();
        parseTexts = all.stream().map(vocab::token).toArray(String[]::new);
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        if (text.isEmpty()) {
            return List.of();
        }
        int[] ids = parseSpecial ? parseIds : alwaysIds;
        String[] texts = parseSpecial ? parseTexts : alwaysTexts;
        LinkedList<Fragment> fragments = null;
        for (int k = 0; k < ids.length; k++) {
            String special = texts[k];
            // cheap pre-check on the whole input: most special tokens never occur
            if (!text.contains(special)) {
                continue;
            }
            if (fragments == null) {
                fragments = new LinkedList<>();
                fragments.add(new Fragment.Text(text));
            }
            cutOut(fragments, special, ids[k]);
        }
        return fragments == null ? List.of(new Fragment.Text(text)) : List.copyOf(fragments);
    }

    private static void cutOut(LinkedList<Fragment> fragments, String special, int id) {
        ListIterator<Fragment> it = fragments.listIterator();
        while (it.hasNext()) {
            if (!(it.next() instanceof Fragment.Text(String raw))) {
                continue;
            }
            int at = raw.indexOf(special);
            if (at < 0) {
                continue;
            }
            it.remove();
            int from = 0;
            while (at >= 0) {
                if (at > from) {
                    it.add(new Fragment.Text(raw.substring(from, at)));
                }
                it.add(new Fragment.Special(id));
                from = at + special.length();
                at = raw.indexOf(special, from);
            }
            if (from < raw.length()) {
                it.add(new Fragment.Text(raw.substring(from)));
            }
        }
    }
}
