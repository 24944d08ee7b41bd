package io.quantarena.core.tokenizer;

import io.quantarena.core.gguf.GgufMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads a {@link Vocabulary} from the {@code tokenizer.ggml.*} keys of GGUF metadata (spec/gguf.md §7.3). */
public final class VocabularyReader {

    private static final String P = "tokenizer.ggml.";
    /** Texts llama.cpp recognises as end-of-turn / end-of-message when the GGUF has no id for them. */
    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|eot|>", "<|im_end|>", "<|end|>", "<end_of_turn>");
    private static final List<String> EOM_TEXTS = List.of("<|eom_id|>", "<|eom|>");

    private VocabularyReader() {
    }

    public static Vocabulary fromGguf(GgufMetadata meta) {
        String model = meta.findString(P + "model").orElseThrow(() -> new IllegalArgumentException(
                "metadata key '" + P + "model' not found in " + meta.source() + "; the file has no tokenizer"));
        VocabType type = VocabType.byGgufName(model);
        String pre = meta.findString(P + "pre").orElse("default");
        List<String> tokens = meta.getStringArray(P + "tokens");
        int n = tokens.size();

        List<TokenType> types = new ArrayList<>(n);
        if (meta.has(P + "token_type")) {
            int[] t = meta.getIntArray(P + "token_type");
            requireLength("token_type", t.length, n, meta);
            for (int v : t) {
                types.add(TokenType.byId(v));
            }
        } else {
            for (int i = 0; i < n; i++) {
                types.add(TokenType.NORMAL);
            }
        }
        float[] scores;
        if (meta.has(P + "scores")) {
            scores = meta.getFloatArray(P + "scores").clone();
            requireLength("scores", scores.length, n, meta);
        } else {
            scores = type == VocabType.SPM ? new float[n] : new float[0]; // llama.cpp scores missing pieces 0
        }
        List<String> merges = type == VocabType.BPE ? meta.getStringArray(P + "merges") : List.of();

        SpecialTokenIds defaults = type == VocabType.SPM ? SpecialTokenIds.spmDefaults() : SpecialTokenIds.bpeDefaults();
        SpecialTokenIds ids = new SpecialTokenIds(
                id(meta, "bos_token_id", defaults.bos(), n),
                id(meta, "eos_token_id", defaults.eos(), n),
                id(meta, "unknown_token_id", defaults.unk(), n),
                id(meta, "seperator_token_id", defaults.sep(), n),
                id(meta, "padding_token_id", defaults.pad(), n),
                id(meta, "eot_token_id", findText(tokens, types, EOT_TEXTS), n),
                id(meta, "eom_token_id", findText(tokens, types, EOM_TEXTS), n));

        boolean llama3Family = switch (pre.toLowerCase(Locale.ROOT)) {
            case "llama3", "llama-bpe", "llama-v3", "llama4" -> true;
            default -> false;
        };
        boolean addBos = meta.getBool(P + "add_bos_token", type == VocabType.SPM || llama3Family);
        boolean addEos = meta.getBool(P + "add_eos_token", false);
        boolean addSpacePrefix = meta.getBool(P + "add_space_prefix", type == VocabType.SPM);
        return new Vocabulary(type, pre, tokens, scores, types, merges, ids, addBos, addEos, addSpacePrefix);
    }

    private static void requireLength(String key, int length, int n, GgufMetadata meta) {
        if (length != n) {
            throw new IllegalArgumentException("metadata key '" + P + key + "' in " + meta.source() + " has " + length
                    + " entries, expected one per token (" + n + ")");
        }
    }

    /** The id under {@code key}; as in llama.cpp an id outside the vocabulary is ignored (the default stays). */
    private static int id(GgufMetadata meta, String key, int defaultId, int n) {
        Optional<Long> v = meta.findLong(P + key);
        if (v.isPresent() && v.get() >= 0 && v.get() < n) {
            return v.get().intValue();
        }
        return defaultId >= 0 && defaultId < n ? defaultId : SpecialTokenIds.NONE;
    }

    private static int findText(List<String> tokens, List<TokenType> types, List<String> texts) {
        for (String text : texts) {
            int id = tokens.indexOf(text);
            if (id >= 0 && types.get(id) == TokenType.CONTROL) {
                return id;
            }
        }
        return SpecialTokenIds.NONE;
    }
}
