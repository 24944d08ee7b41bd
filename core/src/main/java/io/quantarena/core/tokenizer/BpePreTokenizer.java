package io.quantarena.core.tokenizer;

import java.util.List;
import java.util.Locale;

/** Splits text into the words that byte-level BPE merges within, as {@code tokenizer.ggml.pre} says. */
sealed interface BpePreTokenizer permits RegexPreTokenizer, ScanningPreTokenizer {

    String name();

    /** Whether a word that is a token as a whole is emitted as that token without merging (HF ignore_merges). */
    boolean ignoreMerges();

    /** The words of {@code text}, in order; they concatenate to {@code text}. */
    List<String> split(String text);

    static BpePreTokenizer forName(String pre) {
        return switch (pre.toLowerCase(Locale.ROOT)) {
            // llama.cpp's fallback chain for BPE vocabularies without a known pre-tokenizer
            case "default" -> new RegexPreTokenizer(pre, false,
                    "[\\p{P}\\$\\+<=>\\^~\\|]+",
                    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
                    "\\p{N}+",
                    "[0-9][0-9][0-9]");
            case "gpt2", "gpt-2" -> new ScanningPreTokenizer(pre, false, ScanningPreTokenizer.Style.GPT2);
            case "llama3", "llama-bpe", "llama-v3" -> new ScanningPreTokenizer(pre, true, ScanningPreTokenizer.Style.LLAMA3);
            case "llama4", "gpt-4o" -> new ScanningPreTokenizer(pre, true, ScanningPreTokenizer.Style.LLAMA4);
            default -> throw new IllegalArgumentException("tokenizer.ggml.pre '" + pre + "' is not supported; expected one of "
                    + "default, gpt2, gpt-2, llama3, llama-bpe, llama-v3, llama4, gpt-4o");
        };
    }
}
