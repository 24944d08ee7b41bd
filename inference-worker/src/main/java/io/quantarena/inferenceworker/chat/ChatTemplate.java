package io.quantarena.inferenceworker.chat;

import java.util.List;

/** Turns a conversation into the prompt text a model was trained on. */
public interface ChatTemplate {

    /** @param addGenerationPrompt end with the header of an assistant turn, so the model answers */
    String apply(List<ChatMessage> messages, boolean addGenerationPrompt);

    /** Short name for logs and errors, e.g. {@code llama4} or {@code jinja}. */
    String templateName();
}
