package io.quantarena.inferenceworker.openai;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiRequestParserTest {

    private static ApiRequest chat(String json) {
        return ApiRequestParser.parse(json.getBytes(StandardCharsets.UTF_8), true);
    }

    private static void refused(String json, boolean chat, String param, String message) {
        assertThatThrownBy(() -> ApiRequestParser.parse(json.getBytes(StandardCharsets.UTF_8), chat))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.type()).isEqualTo("invalid_request_error");
                })
                .hasMessageContaining(message);
    }

    @Test
    void readsTheOpenAiFieldsAndLlamaServersExtensions() {
        ApiRequest r = chat("""
                {"model":"m","messages":[{"role":"system","content":"s"},
                  {"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{}},{"type":"text","text":"b"}]}],
                 "max_completion_tokens":7,"temperature":0,"top_p":0.5,"stop":"X","seed":42,"stream":true,
                 "stream_options":{"include_usage":true},"top_k":5,"ignore_eos":true,
                 "override_kv":["llama4.expert_used_count=int:2"]}""");
        assertThat(r.chat()).isTrue();
        assertThat(r.messages().get(1).content()).isEqualTo("a\nb");
        assertThat(r.maxTokens()).isEqualTo(7);
        assertThat(r.sampler().isGreedy()).isTrue();
        assertThat(r.sampler().topP()).isEqualTo(0.5f);
        assertThat(r.sampler().topK()).isEqualTo(5);
        assertThat(r.sampler().seed()).isEqualTo(42);
        assertThat(r.stop()).containsExactly("X");
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.ignoreEos()).isTrue();
        assertThat(r.overrides()).singleElement().satisfies(o -> assertThat(o.value()).isEqualTo(2L));

        ApiRequest c = ApiRequestParser.parse("{\"model\":\"m\",\"prompt\":[\"p\"]}".getBytes(StandardCharsets.UTF_8), false);
        assertThat(c.prompt()).isEqualTo("p");
        assertThat(c.maxTokens()).isNull();
        assertThat(c.sampler().temperature()).isEqualTo(0.8f);
    }

    @Test
    void refusesWhatOpenAiWouldRefuseNamingTheField() {
        refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":-1}", true, "max_tokens", "-1");
        refused("{\"model\":\"m\",\"prompt\":\"x\",\"n\":3}", false, "n", "n = 1");
        refused("{\"model\":\"m\",\"prompt\":\"x\",\"temperature\":\"hot\"}", false, "temperature", "number");
        refused("{\"model\":\"m\",\"prompt\":\"x\",\"top_p\":0}", false, "top_p", "(0, 1]");
        refused("{\"model\":\"m\",\"prompt\":\"x\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", false, "stop", "up to 4");
        refused("{\"model\":\"m\",\"messages\":[]}", true, "messages", "non-empty");
        refused("{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}", true, "messages[0].role", "role");
        refused("{\"model\":\"\",\"prompt\":\"x\"}", false, "model", "non-empty");
        refused("{\"model\":\"m\",\"prompt\":\"x\",\"override_kv\":[\"nonsense\"]}", false, "override_kv", "KEY=TYPE:VALUE");
        refused("{\"model\":\"m\",\"prompt\":\"x\"", false, null, "not valid JSON");
        refused("[1,2]", false, null, "JSON object");
        refused("", false, null, "empty");
    }
}
