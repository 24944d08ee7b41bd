package io.quantarena.inferenceworker.chat;

import java.util.List;

/**
 * The formats used when a GGUF has no {@code tokenizer.chat_template} (spec llama4.md §7 for llama4).
 * None inserts BOS: the tokenizer adds it when the vocabulary asks for it.
 */
public enum BuiltinChatTemplate implements ChatTemplate {

    /** {@code <|header_start|>role<|header_end|>\n\ncontent<|eot|>} per message. */
    LLAMA4 {
        @Override
        public String apply(List<ChatMessage> messages, boolean addGenerationPrompt) {
            StringBuilder sb = new StringBuilder();
            for (ChatMessage m : messages) {
                sb.append("<|header_start|>").append(m.role()).append("<|header_end|>\n\n")
                        .append(trim(m.content())).append("<|eot|>");
            }
            if (addGenerationPrompt) {
                sb.append("<|header_start|>assistant<|header_end|>\n\n");
            }
            return sb.toString();
        }
    },

    /** {@code <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>} per message. */
    LLAMA3 {
        @Override
        public String apply(List<ChatMessage> messages, boolean addGenerationPrompt) {
            StringBuilder sb = new StringBuilder();
            for (ChatMessage m : messages) {
                sb.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                        .append(trim(m.content())).append("<|eot_id|>");
            }
            if (addGenerationPrompt) {
                sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            return sb.toString();
        }
    },

    /**
     * Llama 2 chat: {@code [INST] <<SYS>>\nsystem\n<</SYS>>\n\nuser [/INST] answer</s><s>[INST] ...}; the
     * system prompt goes into the first user turn. The first {@code <s>} is the tokenizer's BOS.
     */
    LLAMA2 {
        @Override
        public String apply(List<ChatMessage> messages, boolean addGenerationPrompt) {
            StringBuilder sb = new StringBuilder();
            String system = null;
            boolean first = true;
            for (ChatMessage m : messages) {
                switch (m.role()) {
                    case "system" -> system = system == null ? trim(m.content()) : system + "\n" + trim(m.content());
                    case "user" -> {
                        if (!first) {
                            sb.append("<s>");
                        }
                        sb.append("[INST] ");
                        if (system != null) {
                            sb.append("<<SYS>>\n").append(system).append("\n<</SYS>>\n\n");
                            system = null;
                        }
                        sb.append(trim(m.content())).append(" [/INST]");
                        first = false;
                    }
                    default -> sb.append(' ').append(trim(m.content())).append(" </s>");
                }
            }
            // a trailing assistant turn is already open after [/INST]: nothing to add for the generation prompt
            return sb.toString();
        }
    };

    @Override
    public String templateName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Removes leading and trailing ASCII whitespace (C isspace); bytes ≥ 0x80 are never trimmed. */
    static String trim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }
}
