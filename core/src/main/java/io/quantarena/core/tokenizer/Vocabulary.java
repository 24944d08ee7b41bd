package io.quantarena.core.tokenizer;

import java.util.List;
import java.util.Objects;

/**
 * Everything a tokenizer needs from GGUF metadata. Index = token id in {@code tokens},
 * {@code scores} (SPM; may be empty for BPE) and {@code types}.
 *
 * @param preTokenizer   {@code tokenizer.ggml.pre} ("default" when absent); selects the BPE regexes
 * @param merges         BPE merges "left right", best (rank 0) first; empty for SPM
 * @param addBos         {@code tokenizer.ggml.add_bos_token}
 * @param addEos         {@code tokenizer.ggml.add_eos_token}
 * @param addSpacePrefix {@code tokenizer.ggml.add_space_prefix} (SPM's dummy prefix)
 */
public record Vocabulary(VocabType type, String preTokenizer, List<String> tokens, float[] scores,
                         List<TokenType> types, List<String> merges, SpecialTokenIds specialIds,
                         boolean addBos, boolean addEos, boolean addSpacePrefix) {

    public Vocabulary {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(preTokenizer, "preTokenizer");
        tokens = List.copyOf(tokens);
        types = List.copyOf(types);
        merges = List.copyOf(merges);
        scores = scores == null ? new float[0] : scores.clone();
        Objects.requireNonNull(specialIds, "specialIds");
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("vocabulary has no tokens");
        }
        if (types.size() != tokens.size()) {
            throw new IllegalArgumentException("token types: " + types.size() + " entries, expected one per token ("
                    + tokens.size() + ")");
        }
        if (scores.length != 0 && scores.length != tokens.size()) {
            throw new IllegalArgumentException("token scores: " + scores.length + " entries, expected 0 or one per token ("
                    + tokens.size() + ")");
        }
        if (type == VocabType.SPM && scores.length == 0) {
            throw new IllegalArgumentException("SentencePiece vocabulary needs tokenizer.ggml.scores (one per token)");
        }
        checkId("bos", specialIds.bos(), tokens.size());
        checkId("eos", specialIds.eos(), tokens.size());
        checkId("unk", specialIds.unk(), tokens.size());
    }

    private static void checkId(String what, int id, int n) {
        if (id != SpecialTokenIds.NONE && (id < 0 || id >= n)) {
            throw new IllegalArgumentException(what + " token id " + id + " is outside the vocabulary [0, " + n + ")");
        }
    }

    public int size() {
        return tokens.size();
    }

    public String token(int id) {
        return tokens.get(id);
    }

    public TokenType tokenType(int id) {
        return types.get(id);
    }

    public float score(int id) {
        return scores.length == 0 ? 0f : scores[id];
    }

    @Override
    public float[] scores() {
        return scores.clone();
    }
}
