package io.quantarena.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-level BPE over a GGUF {@code gpt2} vocabulary: the text is split into words by the pre-tokenizer,
 * each word's UTF-8 bytes are mapped to GPT-2's byte characters, and adjacent symbols are merged by the
 * best-ranked merge (ties: leftmost) until no merge applies.
 */
public final class BpeTokenizer implements Tokenizer {

    private static final int CACHE_LIMIT = 1 << 17;
    private static final int CACHE_MAX_WORD = 128;

    private final Vocabulary vocab;
    private final BpePreTokenizer preTokenizer;
    private final Map<String, Integer> ids;
    /**
     * Symbol ids: token ids, plus ids from {@code vocab.size()} on for merge parts that are not tokens, so that
     * merges can be looked up by id pairs.
     */
    private final Map<String, Integer> symbolIds;
    private final List<String> extraSymbols = new ArrayList<>();
    /** (left symbol id, right symbol id) to rank << 32 | merged symbol id. */
    private final IntPairMap merges;
    private final int[] charSymbol = new int[512];
    private final SpecialTokenSplitter splitter;
    private final PieceTable pieces;
    private final WordCache cache = new WordCache(CACHE_LIMIT);

    public BpeTokenizer(Vocabulary vocab) {
        if (vocab.type() != VocabType.BPE) {
            throw new IllegalArgumentException("BpeTokenizer needs a 'gpt2' vocabulary, got '" + vocab.type().ggufName() + "'");
        }
        this.vocab = vocab;
        this.preTokenizer = BpePreTokenizer.forName(vocab.preTokenizer());
        this.ids = new HashMap<>(vocab.size() * 2);
        for (int id = 0; id < vocab.size(); id++) {
            ids.put(vocab.token(id), id);
        }
        this.symbolIds = new HashMap<>(ids);
        this.merges = new IntPairMap(vocab.merges().size());
        List<String> m = vocab.merges();
        for (int rank = 0; rank < m.size(); rank++) {
            String merge = m.get(rank);
            int sp = merge.indexOf(' ', 1);
            if (sp < 0 || sp == merge.length() - 1) {
                throw new IllegalArgumentException("BPE merge " + rank + " is '" + merge + "', expected 'left right'");
            }
            String left = merge.substring(0, sp);
            String right = merge.substring(sp + 1);
            // the first (best) rank of a pair wins
            merges.putIfAbsent(symbolId(left), symbolId(right), ((long) rank << 32) | symbolId(left + right));
        }
        for (int c = 0; c < charSymbol.length; c++) {
            Integer id = symbolIds.get(String.valueOf((char) c));
            charSymbol[c] = id == null ? -1 : id;
        }
        this.splitter = new SpecialTokenSplitter(vocab);
        this.pieces = new PieceTable(vocab, BpeTokenizer::decodeByteLevel);
    }

    private int symbolId(String text) {
        Integer id = symbolIds.get(text);
        if (id == null) {
            id = vocab.size() + extraSymbols.size();
            extraSymbols.add(text);
            symbolIds.put(text, id);
        }
        return id;
    }

    /** The bytes a normal token's byte-level text stands for; chars outside the mapping pass through as UTF-8. */
    static byte[] decodeByteLevel(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int b = ByteLevelMapping.byteOf(c);
            if (b >= 0) {
                out.write(b);
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    String preTokenizerName() {
        return preTokenizer.name();
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntArrayBuilder out = new IntArrayBuilder(text.length() / 3 + 4);
        SpecialTokenIds special = vocab.specialIds();
        if (addBos && vocab.addBos() && special.bos() != SpecialTokenIds.NONE) {
            out.add(special.bos());
        }
        for (Fragment f : splitter.split(text, parseSpecial)) {
            switch (f) {
                case Fragment.Special(int id) -> out.add(id);
                case Fragment.Text(String raw) -> {
                    for (String word : preTokenizer.split(raw)) {
                        encodeCached(word, out);
                    }
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

    private record Bigram(long rank, int left, int right, int leftId, int rightId, int mergedId) {
    }

    private void encodeWord(String word, IntArrayBuilder out) {
        byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
        String mapped = ByteLevelMapping.encode(utf8, 0, utf8.length);
        if (preTokenizer.ignoreMerges()) {
            Integer whole = ids.get(mapped);
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        int n = mapped.length(); // one symbol per byte
        int[] sym = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = charSymbol[mapped.charAt(i)];
            len[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>(Math.max(1, n), (a, b) -> {
            int c = Long.compare(a.rank, b.rank);
            return c != 0 ? c : Integer.compare(a.left, b.left);
        });
        for (int i = 1; i < n; i++) {
            offer(queue, sym, i - 1, i);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            int l = b.left;
            int r = b.right;
            // stale entry: a side was merged away or changed since it was queued
            if (len[l] == 0 || len[r] == 0 || next[l] != r || sym[l] != b.leftId || sym[r] != b.rightId) {
                continue;
            }
            sym[l] = b.mergedId;
            len[l] += len[r];
            len[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            offer(queue, sym, prev[l], l);
            offer(queue, sym, l, next[l]);
        }
        for (int i = n == 0 ? -1 : 0; i >= 0; i = next[i]) {
            if (sym[i] >= 0 && sym[i] < vocab.size()) {
                out.add(sym[i]);
            } else {
                // not a token: emit its single byte characters that are tokens (llama.cpp drops the others)
                for (int k = i; k < i + len[i]; k++) {
                    Integer id = ids.get(String.valueOf(mapped.charAt(k)));
                    if (id != null) {
                        out.add(id);
                    }
                }
            }
        }
    }

    private void offer(PriorityQueue<Bigram> queue, int[] sym, int l, int r) {
        if (l < 0 || r < 0 || sym[l] < 0 || sym[r] < 0) {
            return;
        }
        long merge = merges.get(sym[l], sym[r]);
        if (merge != IntPairMap.MISSING) {
            queue.add(new Bigram(merge >>> 32, l, r, sym[l], sym[r], (int) merge));
        }
    }
}
