package io.quantarena.inferenceworker.openai;

import io.quantarena.core.model.KvOverride;
import io.quantarena.core.sampling.SamplerConfig;
import io.quantarena.inferenceworker.chat.ChatMessage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads the JSON body of {@code /v1/completions} and {@code /v1/chat/completions} as OpenAI defines the
 * fields, plus llama-server's extensions ({@code top_k}, {@code min_p}, {@code repeat_penalty},
 * {@code ignore_eos}) and {@code override_kv}. Sampling defaults are llama.cpp's. Anything invalid
 * becomes an {@link OpenAiException} naming the field.
 */
public final class ApiRequestParser {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_STOPS = 4;

    private ApiRequestParser() {
    }

    public static ApiRequest parse(byte[] body, boolean chat) {
        JsonNode root = readObject(body);
        String model = requiredString(root, "model");
        String prompt = null;
        List<ChatMessage> messages = null;
        if (chat) {
            messages = messages(root.get("messages"));
        } else {
            prompt = prompt(root.get("prompt"));
        }
        Integer maxTokens = optionalInt(root, chat && root.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens");
        if (maxTokens != null && maxTokens < 1) {
            throw OpenAiException.invalid(chat && root.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens",
                    "max_tokens is " + maxTokens + ", expected an integer >= 1");
        }
        Integer n = optionalInt(root, "n");
        if (n != null && n != 1) {
            throw OpenAiException.invalid("n", "n is " + n + ", only n = 1 is supported");
        }
        double temperature = optionalNumber(root, "temperature", 0.8);
        if (temperature < 0) {
            throw OpenAiException.invalid("temperature", "temperature is " + temperature + ", expected >= 0 (0 = greedy)");
        }
        double topP = optionalNumber(root, "top_p", 0.95);
        if (!(topP > 0 && topP <= 1)) {
            throw OpenAiException.invalid("top_p", "top_p is " + topP + ", expected a number in (0, 1]");
        }
        Integer topK = optionalInt(root, "top_k");
        double minP = optionalNumber(root, "min_p", 0.05);
        if (minP < 0 || minP > 1) {
            throw OpenAiException.invalid("min_p", "min_p is " + minP + ", expected a number in [0, 1]");
        }
        double repeatPenalty = optionalNumber(root, "repeat_penalty", 1.0);
        if (repeatPenalty <= 0) {
            throw OpenAiException.invalid("repeat_penalty", "repeat_penalty is " + repeatPenalty + ", expected > 0");
        }
        Long seed = optionalLong(root, "seed");
        long s = seed != null && seed >= 0 ? seed : ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
        SamplerConfig sampler = new SamplerConfig((float) temperature, topK == null ? 40 : topK, (float) topP,
                (float) minP, (float) repeatPenalty, 64, s);
        boolean stream = optionalBoolean(root, "stream");
        boolean includeUsage = false;
        JsonNode options = root.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw OpenAiException.invalid("stream_options", "stream_options must be an object");
            }
            includeUsage = optionalBoolean(options, "include_usage");
        }
        return new ApiRequest(model, prompt, messages, maxTokens, sampler, stops(root.get("stop")),
                optionalBoolean(root, "ignore_eos"), stream, includeUsage, overrides(root.get("override_kv")));
    }

    static JsonNode readObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw new OpenAiException(400, "the request body is empty; expected a JSON object",
                    "invalid_request_error", null, "invalid_json");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new OpenAiException(400, "the request body is not valid JSON: " + e.getOriginalMessage(),
                    "invalid_request_error", null, "invalid_json");
        }
        if (root == null || !root.isObject()) {
            throw new OpenAiException(400, "the request body must be a JSON object", "invalid_request_error", null,
                    "invalid_json");
        }
        return root;
    }

    private static String requiredString(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            throw new OpenAiException(400, "'" + field + "' is required", "invalid_request_error", field,
                    "missing_required_parameter");
        }
        if (!v.isString() || v.stringValue().isBlank()) {
            throw OpenAiException.invalid(field, "'" + field + "' must be a non-empty string");
        }
        return v.stringValue();
    }

    private static String prompt(JsonNode v) {
        if (v == null || v.isNull()) {
            throw new OpenAiException(400, "'prompt' is required", "invalid_request_error", "prompt",
                    "missing_required_parameter");
        }
        if (v.isString()) {
            return v.stringValue();
        }
        if (v.isArray() && v.size() == 1 && v.get(0).isString()) {
            return v.get(0).stringValue();
        }
        throw OpenAiException.invalid("prompt", "'prompt' must be a string (or an array of one string: n = 1)");
    }

    private static List<ChatMessage> messages(JsonNode v) {
        if (v == null || v.isNull()) {
            throw new OpenAiException(400, "'messages' is required", "invalid_request_error", "messages",
                    "missing_required_parameter");
        }
        if (!v.isArray() || v.isEmpty()) {
            throw OpenAiException.invalid("messages", "'messages' must be a non-empty array");
        }
        List<ChatMessage> list = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode m = v.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw OpenAiException.invalid(where, where + " must be an object with 'role' and 'content'");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isString() || role.stringValue().isBlank()) {
                throw OpenAiException.invalid(where + ".role", where + ".role must be a non-empty string");
            }
            list.add(new ChatMessage(role.stringValue(), content(m.get("content"), where)));
        }
        return list;
    }

    /** A string, or an array of parts whose text parts are joined with "\n" (others dropped), or null. */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isString()) {
            return c.stringValue();
        }
        if (c.isArray()) {
            List<String> texts = new ArrayList<>();
            for (JsonNode part : c) {
                if (part.isObject() && "text".equals(part.path("type").asString(null)) && part.path("text").isString()) {
                    texts.add(part.get("text").stringValue());
                }
            }
            return String.join("\n", texts);
        }
        throw OpenAiException.invalid(where + ".content", where + ".content must be a string or an array of parts");
    }

    private static List<String> stops(JsonNode v) {
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isString()) {
            return List.of(v.stringValue());
        }
        if (v.isArray() && v.size() <= MAX_STOPS) {
            List<String> list = new ArrayList<>();
            for (JsonNode s : v) {
                if (!s.isString()) {
                    throw OpenAiException.invalid("stop", "'stop' must be a string or an array of strings");
                }
                list.add(s.stringValue());
            }
            return list;
        }
        throw OpenAiException.invalid("stop", "'stop' must be a string or an array of up to " + MAX_STOPS + " strings");
    }

    private static List<KvOverride> overrides(JsonNode v) {
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw OpenAiException.invalid("override_kv", "'override_kv' must be an array of KEY=TYPE:VALUE strings");
        }
        List<KvOverride> list = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isString()) {
                throw OpenAiException.invalid("override_kv", "'override_kv' must be an array of KEY=TYPE:VALUE strings");
            }
            try {
                list.add(KvOverride.parse(s.stringValue()));
            } catch (IllegalArgumentException e) {
                throw OpenAiException.invalid("override_kv", e.getMessage());
            }
        }
        return list;
    }

    private static Integer optionalInt(JsonNode root, String field) {
        Long v = optionalLong(root, field);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw OpenAiException.invalid(field, "'" + field + "' is " + v + ", out of range");
        }
        return v.intValue();
    }

    private static Long optionalLong(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()))) {
            throw OpenAiException.invalid(field, "'" + field + "' must be an integer, got " + v);
        }
        return v.longValue();
    }

    private static double optionalNumber(JsonNode root, String field, double fallback) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw OpenAiException.invalid(field, "'" + field + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static boolean optionalBoolean(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw OpenAiException.invalid(field, "'" + field + "' must be true or false, got " + v);
        }
        return v.booleanValue();
    }
}
