package io.quantarena.contracts;

import java.util.List;

/**
 * Settings of a serve job, with the meaning of the OpenAI API's fields of the same names.
 *
 * @param maxTokens   the most tokens generated per prompt
 * @param temperature 0 for greedy decoding
 * @param topP        nucleus sampling threshold (1 = off)
 * @param seed        random seed of sampling; null for a fresh one per job
 * @param stop        strings that end a completion (not included in its text)
 * @param chat        format each prompt as one user message with the model's chat template
 */
public record ServeSettings(int maxTokens, double temperature, double topP, Long seed, List<String> stop, boolean chat) {
    public ServeSettings {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }
}
