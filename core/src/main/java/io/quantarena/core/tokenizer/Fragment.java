package io.quantarena.core.tokenizer;

/** A piece of input text after special-token splitting: raw text to tokenize, or one special token. */
sealed interface Fragment {

    record Text(String text) implements Fragment {
    }

    record Special(int id) implements Fragment {
    }
}
