package io.quantarena.core.gguf;

import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlamaFileTypeTest {

    @Test
    void namesValuesAndBaseTypesFollowTheSpecTables() {
        LlamaFileType q8 = LlamaFileType.fromQuantizeName("Q8_0");
        assertThat(q8.value()).isEqualTo(7);
        assertThat(q8.baseType()).isEqualTo(GgmlType.Q8_0);
        assertThat(LlamaFileType.fromQuantizeName("bf16").value()).isEqualTo(32);
        // the ftypes whose base type differs from their name (spec/quantize-tool.md §2)
        assertThat(LlamaFileType.fromQuantizeName("IQ2_S").baseType()).isEqualTo(GgmlType.IQ2_XS);
        assertThat(LlamaFileType.fromQuantizeName("IQ2_M").baseType()).isEqualTo(GgmlType.IQ2_S);
        assertThat(LlamaFileType.fromQuantizeName("IQ3_XS").baseType()).isEqualTo(GgmlType.IQ3_S);
        assertThat(LlamaFileType.fromQuantizeName("IQ3_KL").baseType()).isEqualTo(GgmlType.IQ3_K);
        assertThat(LlamaFileType.byValueOrNull(15)).isEqualTo(LlamaFileType.MOSTLY_Q4_K_M);
    }

    @Test
    void aliasesAndUnknownNames() {
        assertThat(LlamaFileType.fromQuantizeName("Q4_K")).isEqualTo(LlamaFileType.MOSTLY_Q4_K_M);
        assertThat(LlamaFileType.fromQuantizeName("q5_k")).isEqualTo(LlamaFileType.MOSTLY_Q5_K_M);
        assertThat(LlamaFileType.fromQuantizeName("Q3_K")).isEqualTo(LlamaFileType.MOSTLY_Q3_K_M);
        assertThatThrownBy(() -> LlamaFileType.fromQuantizeName("Q9_9")).hasMessageContaining("'Q9_9'");
        assertThatThrownBy(() -> LlamaFileType.fromQuantizeName(null)).hasMessageContaining("unknown quantization type");
        assertThat(LlamaFileType.isQuantizeName("COPY")).isFalse();
        assertThat(LlamaFileType.byValueOrNull(4)).isNull(); // Q4_1_SOME_F16 was removed from llama.cpp
    }

    @Test
    void ftypeNumbersAndToolNamesAreUnique() {
        Set<Integer> values = new HashSet<>();
        Set<String> names = new HashSet<>();
        Arrays.stream(LlamaFileType.values()).forEach(f -> {
            assertThat(values.add(f.value())).as(f.name()).isTrue();
            if (f.quantizeName() != null) {
                assertThat(names.add(f.quantizeName())).as(f.name()).isTrue();
                assertThat(LlamaFileType.fromQuantizeName(f.quantizeName())).isEqualTo(f);
            }
        });
    }
}
