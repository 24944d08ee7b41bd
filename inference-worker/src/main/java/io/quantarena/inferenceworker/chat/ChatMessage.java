package io.quantarena.inferenceworker.chat;

import java.util.Objects;

/** One message of a conversation: a role ({@code system}, {@code user}, {@code assistant}, ...) and its text. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
    }
}
