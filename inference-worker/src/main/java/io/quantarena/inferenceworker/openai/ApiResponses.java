package io.quantarena.inferenceworker.openai;

import io.quantarena.inferenceworker.engine.Completion;
import io.quantarena.inferenceworker.engine.ModelCatalog;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/** The JSON bodies of the OpenAI API, built for one response (its id, creation time and model name). */
final class ApiResponses {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String id;
    private final long created;
    private final String model;
    private final boolean chat;

    ApiResponses(String id, long created, String model, boolean chat) {
        this.id = id;
        this.created = created;
        this.model = model;
        this.chat = chat;
    }

    boolean chat() {
        return chat;
    }

    static String json(ObjectNode node) {
        return JSON.writeValueAsString(node);
    }

    static ObjectNode error(OpenAiException e) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.type());
        if (e.param() == null) {
            error.putNull("param");
        } else {
            error.put("param", e.param());
        }
        if (e.code() == null) {
            error.putNull("code");
        } else {
            error.put("code", e.code());
        }
        return root;
    }

    static ObjectNode models(List<ModelCatalog.Entry> entries) {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (ModelCatalog.Entry e : entries) {
            data.add(model(e));
        }
        return root;
    }

    static ObjectNode model(ModelCatalog.Entry e) {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", e.id());
        m.put("object", "model");
        m.put("created", e.created());
        m.put("owned_by", "quantarena");
        return m;
    }

    /** The whole answer of a non-streamed request. */
    ObjectNode complete(Completion c) {
        ObjectNode root = header(chat ? "chat.completion" : "text_completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", c.text());
            message.putNull("refusal");
        } else {
            choice.put("text", c.text());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", c.finishReason().apiName());
        usage(root, c);
        timings(root, c);
        return root;
    }

    /** A streamed piece: the role (first chat chunk, {@code text} null) or more text. */
    ObjectNode chunk(String text, boolean roleChunk) {
        ObjectNode root = header(chat ? "chat.completion.chunk" : "text_completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (roleChunk) {
                delta.put("role", "assistant");
            }
            delta.put("content", text);
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return root;
    }

    /** The streamed chunk that ends the choice: its finish reason and, llama-server style, the timings. */
    ObjectNode finalChunk(Completion c) {
        ObjectNode root = header(chat ? "chat.completion.chunk" : "text_completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            choice.putObject("delta");
        } else {
            choice.put("text", "");
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", c.finishReason().apiName());
        timings(root, c);
        return root;
    }

    /** {@code stream_options.include_usage}: the last chunk, with no choices and the usage. */
    ObjectNode usageChunk(Completion c) {
        ObjectNode root = header(chat ? "chat.completion.chunk" : "text_completion");
        root.putArray("choices");
        usage(root, c);
        return root;
    }

    private ObjectNode header(String object) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        root.put("system_fingerprint", "quantarena");
        return root;
    }

    private static void usage(ObjectNode root, Completion c) {
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", c.promptTokens());
        usage.put("completion_tokens", c.completionTokens());
        usage.put("total_tokens", c.promptTokens() + c.completionTokens());
    }

    /** llama-server's {@code timings}: prompt processing and generation, in ms and tokens per second. */
    private static void timings(ObjectNode root, Completion c) {
        ObjectNode t = root.putObject("timings");
        t.put("prompt_n", c.promptTokens());
        t.put("prompt_ms", c.promptMs());
        t.put("prompt_per_token_ms", c.promptTokens() == 0 ? 0 : c.promptMs() / c.promptTokens());
        t.put("prompt_per_second", c.promptMs() == 0 ? 0 : c.promptTokens() * 1000.0 / c.promptMs());
        t.put("predicted_n", c.completionTokens());
        t.put("predicted_ms", c.generationMs());
        t.put("predicted_per_token_ms", c.completionTokens() == 0 ? 0 : c.generationMs() / c.completionTokens());
        t.put("predicted_per_second", c.generationMs() == 0 ? 0 : c.completionTokens() * 1000.0 / c.generationMs());
    }
}
