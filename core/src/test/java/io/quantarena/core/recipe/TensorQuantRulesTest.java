package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TensorQuantRulesTest {

    static GgufTensorInfo t(String name, GgmlType type, long... ne) {
        return GgufTensorInfo.of(name, ne, type, 0, 0);
    }

    @Test
    void selectsTensorsLikeLlamaQuantize() {
        assertThat(TensorQuantRules.isQuantizable(t("blk.0.attn_q.weight", GgmlType.BF16, 256, 256))).isTrue();
        assertThat(TensorQuantRules.isQuantizable(t("blk.0.ffn_up_exps.weight", GgmlType.BF16, 256, 512, 4))).isTrue();
        assertThat(TensorQuantRules.isQuantizable(t("token_embd.weight", GgmlType.F16, 256, 4096))).isTrue();
        assertThat(TensorQuantRules.isQuantizable(t("blk.0.attn_norm.weight", GgmlType.F32, 256))).isFalse();
        assertThat(TensorQuantRules.isQuantizable(t("blk.0.attn_norm.weight", GgmlType.F32, 256, 1))).isFalse();
        assertThat(TensorQuantRules.isQuantizable(t("blk.0.ffn_norm.weight", GgmlType.F32, 256, 2))).isFalse(); // norms never
        assertThat(TensorQuantRules.isQuantizable(t("rope_freqs.weight", GgmlType.F32, 16))).isFalse();
        assertThat(TensorQuantRules.isQuantizable(t("blk.0.ffn_gate_inp.weight", GgmlType.BF16, 256, 16))).isFalse();
        assertThat(TensorQuantRules.isQuantizable(t("blk.0.attn_output.bias", GgmlType.F32, 256, 2))).isFalse();
        assertThat(TensorQuantRules.isQuantizable(t("blk.0.idx.weight", GgmlType.I32, 256, 2))).isFalse();
        assertThat(TensorQuantRules.isQuantizable(t("blk.0.x.weight", GgmlType.F32, 256, 1, 1))).isFalse(); // trailing 1s
    }

    @Test
    void fallsBackWhenRowsDoNotFitBlocks() {
        assertThat(TensorQuantRules.typeFor(GgmlType.Q8_0, 4096)).contains(GgmlType.Q8_0);
        assertThat(TensorQuantRules.typeFor(GgmlType.IQ4_XS, 4096)).contains(GgmlType.IQ4_XS);
        assertThat(TensorQuantRules.typeFor(GgmlType.IQ4_XS, 1056)).contains(GgmlType.IQ4_NL);
        assertThat(TensorQuantRules.typeFor(GgmlType.Q4_K, 1056)).contains(GgmlType.Q5_0);
        assertThat(TensorQuantRules.typeFor(GgmlType.Q5_K, 1056)).contains(GgmlType.Q6_0);
        assertThat(TensorQuantRules.typeFor(GgmlType.Q6_K, 1056)).contains(GgmlType.Q8_0);
        assertThat(TensorQuantRules.typeFor(GgmlType.Q6_K, 100)).isEmpty();
        assertThat(TensorQuantRules.typeFor(GgmlType.Q8_0, 100)).isEmpty();
    }

    @Test
    void fileTypeForUniformQuantization() {
        assertThat(LlamaFileType.forUniformType(GgmlType.Q8_0).value()).isEqualTo(7);
        assertThat(LlamaFileType.forUniformType(GgmlType.BF16).value()).isEqualTo(32);
        assertThat(LlamaFileType.forUniformType(GgmlType.F32).value()).isZero();
        assertThat(LlamaFileType.forUniformType(GgmlType.Q4_K).value()).isEqualTo(15); // Q4_K means Q4_K_M
        assertThat(LlamaFileType.forUniformType(GgmlType.IQ3_S).value()).isEqualTo(26); // not IQ3_XS (22)
        assertThat(LlamaFileType.forUniformType(GgmlType.IQ2_XS).value()).isEqualTo(20);
        assertThat(LlamaFileType.forUniformType(GgmlType.IQ2_S).value()).isEqualTo(29); // only IQ2_M has base iq2_s
        assertThat(LlamaFileType.forUniformType(GgmlType.IQ4_KS).value()).isEqualTo(145);
        assertThat(LlamaFileType.byValueOrNull(15).printedName()).isEqualTo("Q4_K - Medium");
    }
}
