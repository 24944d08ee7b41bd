package io.quantarena.inferenceworker;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StandaloneServerTest {

    private static final String MODEL = Path.of(System.getProperty("quantarena.shared", "../../shared"))
            .resolve("models/tiny-llama4-bf16.gguf").toString();

    @Test
    void mapsLlamaServerStyleOptionsToTheWorkersProperties() {
        Map<String, Object> p = StandaloneServer.properties(List.of("-m", MODEL, "--host", "0.0.0.0", "--port", "9000",
                "-t", "2", "--override-kv", "llama4.expert_used_count=int:2", "-np", "2", "-c", "512", "-a", "mine"));
        assertThat(p).containsEntry("server.address", "0.0.0.0").containsEntry("server.port", 9000)
                .containsEntry("quantarena.serve.threads", 2).containsEntry("quantarena.serve.parallel", 2)
                .containsEntry("quantarena.serve.ctx-size", 512).containsEntry("quantarena.serve.alias", "mine")
                .containsEntry("quantarena.serve.override-kv[0]", "llama4.expert_used_count=int:2")
                .containsEntry("quantarena.serve.jobs-enabled", false);
        assertThat((String) p.get("quantarena.serve.model")).endsWith("tiny-llama4-bf16.gguf");
        assertThat((String) p.get("spring.autoconfigure.exclude")).contains("FunctionConfiguration");
        assertThat(StandaloneServer.properties(List.of("-m", MODEL))).containsEntry("server.address", "127.0.0.1")
                .containsEntry("server.port", 8081);
    }

    @Test
    void refusesBadArgumentsNamingThem() {
        assertThatThrownBy(() -> StandaloneServer.properties(List.of())).hasMessageContaining("-m MODEL.gguf");
        assertThatThrownBy(() -> StandaloneServer.properties(List.of("-m", "/nowhere/x.gguf"))).hasMessageContaining("/nowhere/x.gguf");
        assertThatThrownBy(() -> StandaloneServer.properties(List.of("-m", MODEL, "--port", "x"))).hasMessageContaining("--port");
        assertThatThrownBy(() -> StandaloneServer.properties(List.of("-m", MODEL, "--override-kv", "bad")))
                .hasMessageContaining("bad");
        assertThatThrownBy(() -> StandaloneServer.properties(List.of("-m", MODEL, "--frobnicate", "1")))
                .hasMessageContaining("--frobnicate");
    }
}
