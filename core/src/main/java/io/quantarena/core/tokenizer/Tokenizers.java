package io.quantarena.core.tokenizer;

import io.quantarena.core.gguf.GgufMetadata;

/** Creates the tokenizer a vocabulary is meant for. */
public final class Tokenizers {

    private Tokenizers() {
    }

    public static Tokenizer fromGguf(GgufMetadata meta) {
        return forVocabulary(VocabularyReader.fromGguf(meta));
    }

    public static Tokenizer forVocabulary(Vocabulary vocab) {
        return switch (vocab.type()) {
            case SPM -> new SentencePieceTokenizer(vocab);
            case BPE -> new BpeTokenizer(vocab);
        };
    }
}
