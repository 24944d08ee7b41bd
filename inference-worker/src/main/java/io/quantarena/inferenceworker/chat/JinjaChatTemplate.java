package io.quantarena.inferenceworker.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF's {@code tokenizer.chat_template} rendered with Jinjava, with the variables Hugging Face's
 * {@code apply_chat_template} passes ({@code messages}, {@code add_generation_prompt}, {@code bos_token},
 * {@code eos_token}, {@code raise_exception}) and its block trimming. Templates use Python features a Java
 * Jinja engine may lack: when rendering fails, the built-in format the template resembles is used instead,
 * as llama-server does without {@code --jinja}.
 */
public final class JinjaChatTemplate implements ChatTemplate {

    private static final JinjavaConfig CONFIG = JinjavaConfig.newBuilder()
            .withTrimBlocks(true)
            .withLstripBlocks(true)
            .build();

    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final ChatTemplate fallback;
    private final Jinjava jinjava;

    public JinjaChatTemplate(String source, String bosToken, String eosToken, ChatTemplate fallback) {
        this.source = source;
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        this.fallback = fallback;
        this.jinjava = new Jinjava(CONFIG);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                JinjaChatTemplate.class, "raiseException", String.class));
    }

    @Override
    public String templateName() {
        return "jinja";
    }

    @Override
    public String apply(List<ChatMessage> messages, boolean addGenerationPrompt) {
        try {
            return render(messages, addGenerationPrompt);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(JinjaChatTemplate.class).warn(
                    "chat template cannot be rendered ({}); using the built-in {} format", e.getMessage(),
                    fallback.templateName());
            return fallback.apply(messages, addGenerationPrompt);
        }
    }

    /** Renders the template; throws naming the template error. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            list.add(map);
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("messages", list);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("bos_token", bosToken);
        vars.put("eos_token", eosToken);
        RenderResult result = jinjava.renderForResult(source, vars);
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new IllegalArgumentException("chat template error at line " + error.getLineno() + ": "
                        + error.getMessage());
            }
        }
        return result.getOutput();
    }

    /** {@code raise_exception(message)} of Hugging Face templates. */
    public static String raiseException(String message) {
        throw new IllegalArgumentException("the chat template refused the conversation: " + message);
    }
}
