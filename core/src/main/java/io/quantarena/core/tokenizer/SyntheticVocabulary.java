package io.quantarena.core.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A made-up byte-level BPE vocabulary of any size, for synthetic benchmark models: the 256 byte
 * tokens (GPT-2 byte-to-char mapping, in byte order), then merged tokens built from the 27
 * symbols 'Ġ' (space) and 'a'…'z' — every 2-symbol string, then every 3-symbol string, and so on,
 * each made by one merge "prefix last" — and finally control tokens in the style of Llama 3
 * ({@code <|begin_of_text|>}, {@code <|end_of_text|>}, {@code <|eot_id|>}, reserved ones). Lower-case
 * English therefore tokenizes to real multi-byte tokens, and every token decodes to text.
 *
 * @param tokens token texts, index = id
 * @param types  token types, one per token
 * @param merges BPE merges, rank 0 first
 * @param bos    id of {@code <|begin_of_text|>}
 * @param eos    id of {@code <|end_of_text|>}
 * @param eot    id of {@code <|eot_id|>}
 */
public record SyntheticVocabulary(List<String> tokens, List<TokenType> types, List<String> merges, int bos, int eos,
                                  int eot) {

    private static final String SYMBOLS = "\u0120abcdefghijklmnopqrstuvwxyz";
    private static final int BYTE_TOKENS = 256;
    /** Smallest vocabulary: the byte tokens, one merge and the three named control tokens. */
    public static final int MIN_SIZE = BYTE_TOKENS + 1 + 3;

    /** Builds a vocabulary of exactly {@code size} tokens. */
    public static SyntheticVocabulary ofSize(int size) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("synthetic vocabulary size " + size + ", expected at least " + MIN_SIZE);
        }
        // Llama 3 reserves 256 control tokens at the end; small test vocabularies get fewer
        int control = Math.min(256, Math.max(3, size / 16));
        int merged = size - BYTE_TOKENS - control;
        List<String> tokens = new ArrayList<>(size);
        List<TokenType> types = new ArrayList<>(size);
        List<String> merges = new ArrayList<>(merged);
        for (int b = 0; b < BYTE_TOKENS; b++) {
            tokens.add(String.valueOf(ByteLevelMapping.charOf(b)));
            types.add(TokenType.NORMAL);
        }
        int k = SYMBOLS.length();
        char[] buf = new char[32];
        for (int len = 2; merges.size() < merged; len++) {
            long count = (long) Math.pow(k, len);
            for (long i = 0; i < count && merges.size() < merged; i++) {
                long v = i;
                for (int p = len - 1; p >= 0; p--) {
                    buf[p] = SYMBOLS.charAt((int) (v % k));
                    v /= k;
                }
                String prefix = new String(buf, 0, len - 1);
                String last = String.valueOf(buf[len - 1]);
                tokens.add(prefix + last);
                types.add(TokenType.NORMAL);
                merges.add(prefix + " " + last);
            }
        }
        int bos = tokens.size();
        tokens.add("<|begin_of_text|>");
        tokens.add("<|end_of_text|>");
        tokens.add("<|eot_id|>");
        for (int r = 0; tokens.size() < size; r++) {
            tokens.add("<|reserved_special_token_" + r + "|>");
        }
        while (types.size() < size) {
            types.add(TokenType.CONTROL);
        }
        return new SyntheticVocabulary(List.copyOf(tokens), List.copyOf(types), List.copyOf(merges), bos, bos + 1,
                bos + 2);
    }

    public int size() {
        return tokens.size();
    }

    public String token(int id) {
        return tokens.get(id);
    }

    /** The token types as GGUF {@code tokenizer.ggml.token_type} ids. */
    public int[] typeIds() {
        int[] ids = new int[types.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = types.get(i).id();
        }
        return ids;
    }
}
