package io.quantarena.inferenceworker.openai;

import io.quantarena.core.model.KvOverride;
import io.quantarena.core.sampling.SamplerConfig;
import io.quantarena.inferenceworker.chat.ChatMessage;

import java.util.List;

/**
 * A validated completions or chat-completions request.
 *
 * @param prompt       the text of a completions request (null for chat)
 * @param messages     the conversation of a chat request (null for completions)
 * @param maxTokens    null: until the context is full or generation stops
 * @param includeUsage {@code stream_options.include_usage}: a last chunk with the usage
 * @param overrides    {@code override_kv} (extension): metadata overrides the model is loaded with
 */
public record ApiRequest(String model, String prompt, List<ChatMessage> messages, Integer maxTokens,
                         SamplerConfig sampler, List<String> stop, boolean ignoreEos, boolean stream,
                         boolean includeUsage, List<KvOverride> overrides) {

    public boolean chat() {
        return messages != null;
    }
}
