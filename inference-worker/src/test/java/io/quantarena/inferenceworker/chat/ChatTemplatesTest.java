package io.quantarena.inferenceworker.chat;

import io.quantarena.core.model.Architecture;
import io.quantarena.core.tokenizer.SpecialTokenIds;
import io.quantarena.core.tokenizer.TokenType;
import io.quantarena.core.tokenizer.Vocabulary;
import io.quantarena.core.tokenizer.VocabType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatTemplatesTest {

    private static final List<ChatMessage> CONVERSATION = List.of(
            new ChatMessage("system", "  Be brief.\n"),
            new ChatMessage("user", "Hi\u00a0"),
            new ChatMessage("assistant", "Hello!"),
            new ChatMessage("user", "\tCapital of France?"));

    private static Vocabulary vocab(String... extra) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        tokens.addAll(List.of(extra));
        return new Vocabulary(VocabType.BPE, "default", tokens, null,
                Collections.nCopies(tokens.size(), TokenType.NORMAL), List.of(),
                new SpecialTokenIds(1, 2, 0, SpecialTokenIds.NONE, SpecialTokenIds.NONE, SpecialTokenIds.NONE,
                        SpecialTokenIds.NONE), true, false, false);
    }

    @Test
    void llama4FallbackIsLlamaServersFormat() {
        ChatTemplate t = ChatTemplates.forModel(null, Architecture.LLAMA4, vocab());
        assertThat(t.templateName()).isEqualTo("llama4");
        // ASCII whitespace trimmed, U+00A0 kept; the generation prompt opens an assistant turn
        assertThat(t.apply(CONVERSATION, true)).isEqualTo(
                "<|header_start|>system<|header_end|>\n\nBe brief.<|eot|>"
                        + "<|header_start|>user<|header_end|>\n\nHi\u00a0<|eot|>"
                        + "<|header_start|>assistant<|header_end|>\n\nHello!<|eot|>"
                        + "<|header_start|>user<|header_end|>\n\nCapital of France?<|eot|>"
                        + "<|header_start|>assistant<|header_end|>\n\n");
    }

    @Test
    void theFallbackFollowsTheVocabularysSpecialTokens() {
        assertThat(ChatTemplates.forModel(null, Architecture.LLAMA, vocab("<|start_header_id|>")).templateName())
                .isEqualTo("llama3");
        assertThat(ChatTemplates.forModel(null, Architecture.LLAMA, vocab("<|header_start|>")).templateName())
                .isEqualTo("llama4");
        ChatTemplate llama2 = ChatTemplates.forModel(null, Architecture.LLAMA, vocab());
        assertThat(llama2.templateName()).isEqualTo("llama2");
        assertThat(llama2.apply(CONVERSATION, true)).isEqualTo(
                "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi\u00a0 [/INST] Hello! </s><s>[INST] Capital of France? [/INST]");
        assertThat(ChatTemplates.forModel(null, Architecture.LLAMA, vocab("<|start_header_id|>"))
                .apply(List.of(new ChatMessage("user", "Hi")), true))
                .isEqualTo("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void aJinjaTemplateIsRenderedWithTheHuggingFaceVariables() {
        String template = """
                {{ bos_token }}{% for message in messages %}
                {% if message['role'] == 'system' and not loop.first %}{{ raise_exception('system first') }}{% endif %}
                <|start_header_id|>{{ message['role'] }}<|end_header_id|>

                {{ message['content'] | trim }}<|eot_id|>{% endfor %}
                {% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>

                {% endif %}""";
        ChatTemplate t = ChatTemplates.forModel(template, Architecture.LLAMA, vocab());
        assertThat(t.templateName()).isEqualTo("jinja");
        assertThat(t.apply(List.of(new ChatMessage("system", " Be brief. "), new ChatMessage("user", "Hi")), true))
                .isEqualTo("<s><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        JinjaChatTemplate jinja = (JinjaChatTemplate) t;
        assertThatThrownBy(() -> jinja.render(List.of(new ChatMessage("user", "a"), new ChatMessage("system", "b")), true))
                .hasMessageContaining("raise_exception");
        // apply() falls back to the built-in format the template's markers name
        assertThat(t.apply(List.of(new ChatMessage("user", "a"), new ChatMessage("system", "b")), false))
                .isEqualTo("<|start_header_id|>user<|end_header_id|>\n\na<|eot_id|><|start_header_id|>system<|end_header_id|>\n\nb<|eot_id|>");
    }
}
