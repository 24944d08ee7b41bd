package io.quantarena.inferenceworker.chat;

import io.quantarena.core.model.Architecture;
import io.quantarena.core.tokenizer.SpecialTokenIds;
import io.quantarena.core.tokenizer.Vocabulary;

/** Picks a model's chat template: its own Jinja template when the GGUF has one, else a built-in format. */
public final class ChatTemplates {

    private ChatTemplates() {
    }

    /**
     * @param template {@code tokenizer.chat_template}, or null
     */
    public static ChatTemplate forModel(String template, Architecture arch, Vocabulary vocab) {
        ChatTemplate builtin = builtinFor(template, arch, vocab);
        if (template == null || template.isBlank()) {
            return builtin;
        }
        SpecialTokenIds ids = vocab.specialIds();
        String bos = ids.bos() == SpecialTokenIds.NONE ? "" : vocab.token(ids.bos());
        String eos = ids.eos() == SpecialTokenIds.NONE ? "" : vocab.token(ids.eos());
        return new JinjaChatTemplate(template, bos, eos, builtin);
    }

    /**
     * The built-in format for a model: the family a template's markers name (Llama-3 markers checked
     * first, as llama.cpp does), else the family of the architecture and vocabulary's special tokens.
     */
    static BuiltinChatTemplate builtinFor(String template, Architecture arch, Vocabulary vocab) {
        if (template != null) {
            if (template.contains("<|start_header_id|>") && template.contains("<|end_header_id|>")) {
                return BuiltinChatTemplate.LLAMA3;
            }
            if (template.contains("<|header_start|>") && template.contains("<|header_end|>")) {
                return BuiltinChatTemplate.LLAMA4;
            }
            if (template.contains("[INST]")) {
                return BuiltinChatTemplate.LLAMA2;
            }
        }
        if (arch == Architecture.LLAMA4 || vocab.tokens().contains("<|header_start|>")) {
            return BuiltinChatTemplate.LLAMA4;
        }
        if (vocab.tokens().contains("<|start_header_id|>")) {
            return BuiltinChatTemplate.LLAMA3;
        }
        return BuiltinChatTemplate.LLAMA2;
    }
}
