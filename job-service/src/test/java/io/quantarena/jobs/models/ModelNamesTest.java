package io.quantarena.jobs.models;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelNamesTest {

    @Test
    void thePrecisionTagOfTheFileIsNotPartOfTheModelName() {
        assertThat(ModelCatalogScanner.modelName("tiny-llama-bf16.gguf")).isEqualTo("tiny-llama");
        assertThat(ModelCatalogScanner.modelName("Llama-3-8B.F16.gguf")).isEqualTo("llama-3-8b");
        assertThat(ModelCatalogScanner.modelName("mistral.gguf")).isEqualTo("mistral");
        assertThat(ModelCatalogScanner.modelName("bf16.gguf")).isEqualTo("bf16");
    }
}
