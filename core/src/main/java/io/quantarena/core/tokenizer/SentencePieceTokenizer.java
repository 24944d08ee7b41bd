package io.quantarena.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * SentencePiece-style tokenizer over a GGUF {@code llama} vocabulary, with llama.cpp's algorithm:
 * spaces become U+2581, a space is prefixed to raw text at the start and after special tokens (if
 * {@code add_space_prefix}), then adjacent symbols (initially single characters) are merged pairwise,
 * always the pair whose concatenation is the vocabulary piece with the highest score (ties: leftmost);
 * symbols that are not pieces at the end fall back to their UTF-8 bytes as {@code <0xNN>} tokens.
 */
public final class SentencePieceTokenizer implements Tokenizer {

    static final char SPACE_MARK = '\u2581';
    private static final int CACHE_LIMIT = 1 << 17;
    private static final int CACHE_MAX_WORD = 128;

    private final Vocabulary vocab;
    private final Map<String, Integer> ids;
    private final float[] scores;
    /**
     * Symbol ids of single code points: the token id, or for a code point that only occurs inside
     * tokens an id from {@code vocab.size()} on; -1 for code points that can never merge.
     */
    private final int[] bmpSymbols = new int[Character.MAX_VALUE + 1];
    private final Map<Integer, Integer> supplementarySymbols = new HashMap<>();
    private int nextExtraSymbol;
    /** (left symbol, right symbol) to the token their texts concatenate to. */
    private final IntPairMap pairs;
    private final int[] byteTokens;
    private final SpecialTokenSplitter splitter;
    private final PieceTable pieces;
    /** Whether tokenizing word by word (cut before each space mark that follows another character) is exact. */
    private final boolean wordwise;
    private final WordCache cache = new WordCache(CACHE_LIMIT);

    public SentencePieceTokenizer(Vocabulary vocab) {
        if (vocab.type() != VocabType.SPM) {
            throw new IllegalArgumentException("SentencePieceTokenizer needs a 'llama' vocabulary, got '"
                    + vocab.type().ggufName() + "'");
        }
        this.vocab = vocab;
        this.scores = vocab.scores();
        this.ids = new HashMap<>(vocab.size() * 2);
        boolean spaceMarkInside = false;
        for (int id = 0; id < vocab.size(); id++) {
            String t = vocab.token(id);
            ids.put(t, id); // a duplicated text maps to its last id, as in llama.cpp
            spaceMarkInside |= hasSpaceMarkAfterOtherChar(t);
        }
        // A merge across a word cut would need a piece containing "x▁" (x not ▁); without such pieces the
        // merge sequences of the words are independent and the cut changes nothing.
        this.wordwise = !spaceMarkInside;
        this.nextExtraSymbol = vocab.size();
        java.util.Arrays.fill(bmpSymbols, -1);
        ids.forEach((text, id) -> {
            if (text.codePointCount(0, text.length()) == 1) {
                setCodePointSymbol(text.codePointAt(0), id);
            }
        });
        this.pairs = buildPairs();
        this.byteTokens = new int[256];
        for (int b = 0; b < 256; b++) {
            Integer id = ids.get(PieceTable.byteTokenText(b));
            if (id == null && b < 0x80) {
                id = ids.get(String.valueOf((char) b));
            }
            byteTokens[b] = id == null ? -1 : id;
        }
        this.splitter = new SpecialTokenSplitter(vocab);
        this.pieces = new PieceTable(vocab, t -> t.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8));
    }

    /** Every way a token splits into two symbols, so that merging needs no string lookups. */
    private IntPairMap buildPairs() {
        IntPairMap map = new IntPairMap(vocab.size() * 6);
        ids.forEach((text, id) -> {
            for (int p = text.offsetByCodePoints(0, Math.min(1, text.length())); p > 0 && p < text.length();
                 p += Character.charCount(text.codePointAt(p))) {
                int a = symbolOfText(text.substring(0, p));
                int b = symbolOfText(text.substring(p));
                if (a >= 0 && b >= 0) {
                    map.putIfAbsent(a, b, id);
                }
            }
        });
        return map;
    }

    /** The symbol id of a text that can be a symbol (a token or a single code point), else -1. */
    private int symbolOfText(String text) {
        Integer id = ids.get(text);
        if (id != null) {
            return id;
        }
        if (text.codePointCount(0, text.length()) != 1) {
            return -1;
        }
        int cp = text.codePointAt(0);
        int sym = codePointSymbol(cp);
        if (sym < 0) {
            sym = nextExtraSymbol++;
            setCodePointSymbol(cp, sym);
        }
        return sym;
    }

    private int codePointSymbol(int cp) {
        return cp <= Character.MAX_VALUE ? bmpSymbols[cp] : supplementarySymbols.getOrDefault(cp, -1);
    }

    private void setCodePointSymbol(int cp, int sym) {
        if (cp <= Character.MAX_VALUE) {
            bmpSymbols[cp] = sym;
        } else {
            supplementarySymbols.put(cp, sym);
        }
    }

    private static boolean hasSpaceMarkAfterOtherChar(String t) {
        for (int i = 1; i < t.length(); i++) {
            if (t.charAt(i) == SPACE_MARK && t.charAt(i - 1) != SPACE_MARK) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntArrayBuilder out = new IntArrayBuilder(text.length() / 3 + 4);
        SpecialTokenIds special = vocab.specialIds();
        if (addBos && vocab.addBos() && special.bos() != SpecialTokenIds.NONE) {
            out.add(special.bos());
        }
        boolean afterSpecial = true; // the start of the text counts as "after a special token"
        for (Fragment f : splitter.split(text, parseSpecial)) {
            switch (f) {
                case Fragment.Special(int id) -> {
                    out.add(id);
                    afterSpecial = true;
                }
                case Fragment.Text(String raw) -> {
                    String s = vocab.addSpacePrefix() && afterSpecial ? " " + raw : raw;
                    encodeEscaped(s.replace(' ', SPACE_MARK), out);
                    afterSpecial = false;
                }
            }
        }
        if (addBos && vocab.addEos() && special.eos() != SpecialTokenIds.NONE) {
            out.add(special.eos());
        }
        return out.toArray();
    }

    @Override
    public byte[] piece(int id, boolean renderSpecial) {
        return pieces.piece(id, renderSpecial);
    }

    private void encodeEscaped(String s, IntArrayBuilder out) {
        if (!wordwise) {
            encodeWord(s, out);
            return;
        }
        int from = 0;
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) == SPACE_MARK && s.charAt(i - 1) != SPACE_MARK) {
                encodeCached(s.substring(from, i), out);
                from = i;
            }
        }
        if (from < s.length()) {
            encodeCached(s.substring(from), out);
        }
    }

    private void encodeCached(String word, IntArrayBuilder out) {
        if (word.length() > CACHE_MAX_WORD) {
            encodeWord(word, out);
            return;
        }
        int[] known = cache.get(word);
        if (known == null) {
            int start = out.size();
            encodeWord(word, out);
            cache.put(word, out.toArrayFrom(start));
        } else {
            out.addAll(known);
        }
    }

    private record Bigram(float score, int left, int right, int length, int merged) {
    }

    /** Bigram merging over the code points of {@code s}; symbols form a linked list over the word. */
    private void encodeWord(String s, IntArrayBuilder out) {
        int nChars = s.length();
        int[] start = new int[nChars];
        int[] len = new int[nChars];
        int[] sym = new int[nChars];
        int n = 0;
        for (int i = 0; i < nChars; ) {
            int cp = s.codePointAt(i);
            int cl = Character.charCount(cp);
            start[n] = i;
            len[n] = cl;
            sym[n] = codePointSymbol(cp);
            n++;
            i += cl;
        }
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>(Math.max(1, n), (a, b) -> {
            int c = Float.compare(b.score, a.score);
            return c != 0 ? c : Integer.compare(a.left, b.left);
        });
        for (int i = 1; i < n; i++) {
            offer(queue, sym, len, i - 1, i);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            int l = b.left;
            int r = b.right;
            // stale entry: a side was merged into something else since it was queued (lengths only grow)
            if (len[l] == 0 || len[r] == 0 || len[l] + len[r] != b.length) {
                continue;
            }
            sym[l] = b.merged;
            len[l] += len[r];
            len[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            offer(queue, sym, len, prev[l], l);
            offer(queue, sym, len, l, next[l]);
        }
        for (int i = n == 0 ? -1 : 0; i >= 0; i = next[i]) {
            if (sym[i] >= 0 && sym[i] < vocab.size()) {
                out.add(sym[i]);
            } else {
                emitFallback(s.substring(start[i], start[i] + len[i]), out);
            }
        }
    }

    private void offer(PriorityQueue<Bigram> queue, int[] sym, int[] len, int l, int r) {
        if (l < 0 || r < 0 || sym[l] < 0 || sym[r] < 0) {
            return;
        }
        long merged = pairs.get(sym[l], sym[r]);
        if (merged != IntPairMap.MISSING) {
            queue.add(new Bigram(scores[(int) merged], l, r, len[l] + len[r], (int) merged));
        }
    }

    /** A symbol that is not a token: merged symbols always are, so this is one code point missing from the vocabulary. */
    private void emitFallback(String symbol, IntArrayBuilder out) {
        byte[] utf8 = symbol.getBytes(StandardCharsets.UTF_8);
        boolean allBytes = true;
        for (byte b : utf8) {
            allBytes &= byteTokens[b & 0xFF] >= 0;
        }
        if (allBytes) {
            for (byte b : utf8) {
                out.add(byteTokens[b & 0xFF]);
            }
        } else if (vocab.specialIds().unk() != SpecialTokenIds.NONE) {
            out.add(vocab.specialIds().unk());
        } else {
            throw new IllegalArgumentException("character '" + symbol + "' (U+" + Integer.toHexString(symbol.codePointAt(0))
                    + ") is not in the vocabulary, which has neither byte tokens for it nor an unknown token");
        }
    }
}
