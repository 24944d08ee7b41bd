package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufValue;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CustomQuantRuleTest {

    @Test
    void splitsOnCommasAndAtTheFirstEquals() {
        List<CustomQuantRule> rules = CustomQuantRule.parseList("blk\\.[0-9]+\\.ffn_(up|gate)_exps=iq4_ks,ffn_down_exps=iq5_ks,attn=q8_0,a|b=q4_K");
        assertThat(rules).extracting(CustomQuantRule::type).containsExactly(GgmlType.IQ4_KS, GgmlType.IQ5_KS, GgmlType.Q8_0, GgmlType.Q4_K);
        assertThat(rules.get(3).pattern().pattern()).isEqualTo("a|b");
        assertThat(rules.get(0).matches("blk.12.ffn_gate_exps.weight")).isTrue();
        assertThat(rules.get(0).matches("blk.x.ffn_gate_exps.weight")).isFalse();
        // a search anywhere in the name, not a full match
        assertThat(rules.get(2).matches("blk.0.attn_output.weight")).isTrue();
        assertThat(CustomQuantRule.parse("^output\\.weight$=q8_0").matches("output.weight")).isTrue();
        assertThat(CustomQuantRule.parse("^output\\.weight$=q8_0").matches("blk.0.output.weight")).isFalse();
        // '=' inside the type part makes an unknown type, not a second split
        assertThatThrownBy(() -> CustomQuantRule.parse("x=q4_K=q8_0")).hasMessageContaining("unknown type 'q4_K=q8_0'");
    }

    @Test
    void errorsNameTheRuleAndTheReason() {
        assertThatThrownBy(() -> CustomQuantRule.parseList("attn=q8_0,ffn_(up=q4_K"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("custom-q rule 'ffn_(up=q4_K'").hasMessageContaining("invalid regex 'ffn_(up'");
        assertThatThrownBy(() -> CustomQuantRule.parseList("attn=q9_K"))
                .hasMessageContaining("custom-q rule 'attn=q9_K'").hasMessageContaining("unknown type 'q9_K'");
        assertThatThrownBy(() -> CustomQuantRule.parseList("attn=Q8_0"))
                .hasMessageContaining("case-sensitive").hasMessageContaining("'q8_0'");
        assertThatThrownBy(() -> CustomQuantRule.parseList("attn")).hasMessageContaining("custom-q rule 'attn': expected regex=type");
        assertThatThrownBy(() -> CustomQuantRule.parseList("=q8_0")).hasMessageContaining("empty regex");
        assertThatThrownBy(() -> CustomQuantRule.parseList("attn=q8_0,")).hasMessageContaining("custom-q rule ''");
    }

    @Test
    void recipesAccumulateRulesInOrderAndDescribeThemselves() {
        Recipe r = Recipe.of("q4_k_m").withCustomRules("attn=q8_0").withCustomRules("ffn_down=q6_K")
                .withType(TypeOption.TOKEN_EMBEDDING, GgmlType.Q8_0).withFlag(Recipe.Flag.PURE)
                .withOverride(KvOverride.parse("general.name=str:x"));
        assertThat(r.ftype()).isEqualTo(LlamaFileType.MOSTLY_Q4_K_M);
        assertThat(r.customRules()).extracting(CustomQuantRule::text).containsExactly("attn=q8_0", "ffn_down=q6_K");
        assertThat(r.text()).isEqualTo("Q4_K_M --pure --custom-q \"attn=q8_0,ffn_down=q6_K\" --token-embedding-type q8_0 --override-kv \"general.name=str:x\"");
    }

    @Test
    void invalidRulesNameTheRuleAndTheReason() {
        assertThatThrownBy(() -> CustomQuantRule.parseList("attn=q8_0,blk\\.(=q4_K")).isInstanceOfSatisfying(RecipeException.class, e -> {
            assertThat(e.option()).isEqualTo("--custom-q");
            assertThat(e.rule()).isEqualTo("blk\\.(=q4_K");
            assertThat(e.reason()).startsWith("invalid regex 'blk\\.('");
            assertThat(e.getMessage()).startsWith("custom-q rule 'blk\\.(=q4_K': invalid regex");
        });
        assertThatThrownBy(() -> CustomQuantRule.parse("attn=q9_K")).isInstanceOfSatisfying(RecipeException.class, e -> {
            assertThat(e.rule()).isEqualTo("attn=q9_K");
            assertThat(e.reason()).startsWith("unknown type 'q9_K'");
        });
        assertThatThrownBy(() -> KvOverride.parse("a.b=int:x")).isInstanceOfSatisfying(RecipeException.class, e -> {
            assertThat(e.setting()).isEqualTo(new RecipeSetting("--override-kv", "a.b=int:x"));
            assertThat(e.reason()).isEqualTo("'x' is not an integer");
        });
    }

    @Test
    void parsesFtypeNamesAliasesAndNumbers() {
        assertThat(LlamaFileType.fromQuantizeName("Q4_K")).isEqualTo(LlamaFileType.MOSTLY_Q4_K_M);
        assertThat(LlamaFileType.fromQuantizeName("iq4_ks")).isEqualTo(LlamaFileType.MOSTLY_IQ4_KS);
        assertThat(LlamaFileType.fromQuantizeName("q2_K")).isEqualTo(LlamaFileType.MOSTLY_Q2_K);
        assertThat(LlamaFileType.fromQuantizeName("15")).isEqualTo(LlamaFileType.MOSTLY_Q4_K_M);
        assertThat(LlamaFileType.fromQuantizeName("IQ2_M").baseType()).isEqualTo(GgmlType.IQ2_S);
        assertThatThrownBy(() -> LlamaFileType.fromQuantizeName("Q4_K_X")).hasMessageContaining("unknown quantization type 'Q4_K_X'");
        assertThatThrownBy(() -> LlamaFileType.fromQuantizeName("41")).hasMessageContaining("'41'"); // no llama-quantize name
        assertThat(LlamaFileType.isQuantizeName("out.gguf")).isFalse();
    }

    @Test
    void parsesKvOverridesLikeLlama() {
        assertThat(KvOverride.parse("a.b=int:12").value()).isEqualTo(GgufValue.ofInt32(12));
        assertThat(KvOverride.parse("a.b=int:4294967297").value()).isEqualTo(GgufValue.ofInt32(1)); // truncated to int32
        assertThat(KvOverride.parse("a.b=float:0.5").value()).isEqualTo(GgufValue.ofFloat32(0.5f));
        assertThat(KvOverride.parse("a.b=bool:false").value()).isEqualTo(GgufValue.ofBool(false));
        assertThat(KvOverride.parse("a.b=str:x=y:z").value()).isEqualTo(GgufValue.ofString("x=y:z"));
        assertThatThrownBy(() -> KvOverride.parse("a.b=bool:yes")).hasMessageContaining("'a.b=bool:yes'").hasMessageContaining("not true or false");
        assertThatThrownBy(() -> KvOverride.parse("a.b=long:1")).hasMessageContaining("unknown value type 'long'");
        assertThatThrownBy(() -> KvOverride.parse("a.b=int:x")).hasMessageContaining("not an integer");
        assertThatThrownBy(() -> KvOverride.parse("a.b=str:" + "x".repeat(128))).hasMessageContaining("at most 127");
        assertThatThrownBy(() -> KvOverride.parse("k".repeat(128) + "=int:1")).hasMessageContaining("key has 128 characters");
        assertThatThrownBy(() -> KvOverride.parse("novalue")).hasMessageContaining("expected KEY=TYPE:VALUE");
    }
}
