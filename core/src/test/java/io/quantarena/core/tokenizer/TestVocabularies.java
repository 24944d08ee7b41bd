package io.quantarena.core.tokenizer;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.testsupport.SharedAssets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Tokenizers of the shared GGUF files, loaded once per test JVM (the 32k Llama vocabulary takes a moment). */
final class TestVocabularies {

    private static final Map<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

    private TestVocabularies() {
    }

    /** The tokenizer of {@code relative} under the shared assets. */
    static Tokenizer tokenizer(String relative) {
        return LOADED.computeIfAbsent(relative, r -> {
            try (GgufFile f = GgufFile.open(SharedAssets.path(r))) {
                return Tokenizers.fromGguf(f.metadata());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static Tokenizer llamaSpm() {
        return tokenizer("tokenizers/ggml-vocab-llama-spm.gguf");
    }

    static Tokenizer llama4Bpe() {
        return tokenizer("tokenizers/bpe-llama4-4k.gguf");
    }

    static Tokenizer tinyLlama() {
        return tokenizer("models/tiny-llama-bf16.gguf");
    }
}
