package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufMetadata;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.gguf.GgufValue;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixEntry;
import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.quantarena.core.tensor.GgmlType.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The §3/§4 rules on synthetic models (shapes only: planning reads no tensor data). */
class TensorTypePlannerTest {

    /** A llama-style model: metadata and BF16 weights, F32 norms. */
    record Model(GgufMetadata metadata, List<GgufTensorInfo> tensors) {
        QuantPlan plan(Recipe r) {
            return TensorTypePlanner.plan(metadata, tensors, r, null);
        }

        QuantPlan plan(Recipe r, Imatrix im) {
            return TensorTypePlanner.plan(metadata, tensors, r, im);
        }

        /** An imatrix with an entry for every weight matrix. */
        Imatrix fullImatrix() {
            List<ImatrixEntry> e = new ArrayList<>();
            for (GgufTensorInfo t : tensors) {
                if (t.name().startsWith("blk.") && t.significantDims() >= 2) {
                    e.add(new ImatrixEntry(t.name(), 10, new float[(int) (t.ne(0) * t.ne(2))]));
                }
            }
            return new Imatrix(e, 10, "calib.txt", "test.imatrix");
        }
    }

    static GgufTensorInfo t(String name, GgmlType type, long... ne) {
        return GgufTensorInfo.of(name, ne, type, 0, 0);
    }

    /** Dense llama: n_embd columns, n_head/n_head_kv heads of 64 (rows), ffn width ff. */
    static Model dense(int layers, int nEmbd, int nHead, int nHeadKv, int ff, int vocab, boolean tiedOutput) {
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("general.architecture", GgufValue.ofString("llama"));
        md.put("general.file_type", GgufValue.ofUInt32(32));
        md.put("llama.block_count", GgufValue.ofUInt32(layers));
        md.put("llama.attention.head_count", GgufValue.ofUInt32(nHead));
        md.put("llama.attention.head_count_kv", GgufValue.ofUInt32(nHeadKv));
        md.put("llama.vocab_size", GgufValue.ofUInt32(vocab));
        List<GgufTensorInfo> ts = new ArrayList<>();
        ts.add(t("token_embd.weight", BF16, nEmbd, vocab));
        ts.add(t("output_norm.weight", F32, nEmbd));
        if (!tiedOutput) {
            ts.add(t("output.weight", BF16, nEmbd, vocab));
        }
        int kv = nEmbd / nHead * nHeadKv;
        for (int i = 0; i < layers; i++) {
            String b = "blk." + i + ".";
            ts.add(t(b + "attn_norm.weight", F32, nEmbd));
            ts.add(t(b + "attn_q.weight", BF16, nEmbd, nEmbd));
            ts.add(t(b + "attn_k.weight", BF16, nEmbd, kv));
            ts.add(t(b + "attn_v.weight", BF16, nEmbd, kv));
            ts.add(t(b + "attn_output.weight", BF16, nEmbd, nEmbd));
            ts.add(t(b + "ffn_norm.weight", F32, nEmbd));
            ts.add(t(b + "ffn_gate.weight", BF16, nEmbd, ff));
            ts.add(t(b + "ffn_up.weight", BF16, nEmbd, ff));
            ts.add(t(b + "ffn_down.weight", BF16, ff, nEmbd));
        }
        return new Model(new GgufMetadata(md, "test"), ts);
    }

    /** llama4-style MoE: every layer has experts, a shared expert and a router. */
    static Model moe(int layers, int nExpert, int nHead, int nHeadKv) {
        int n = 256;
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("general.architecture", GgufValue.ofString("llama4"));
        md.put("llama4.block_count", GgufValue.ofUInt32(layers));
        md.put("llama4.attention.head_count", GgufValue.ofUInt32(nHead));
        md.put("llama4.attention.head_count_kv", GgufValue.ofUInt32(nHeadKv));
        md.put("llama4.expert_count", GgufValue.ofUInt32(nExpert));
        List<GgufTensorInfo> ts = new ArrayList<>();
        ts.add(t("token_embd.weight", BF16, n, 1024));
        ts.add(t("output.weight", BF16, n, 1024));
        for (int i = 0; i < layers; i++) {
            String b = "blk." + i + ".";
            ts.add(t(b + "attn_q.weight", BF16, n, n));
            ts.add(t(b + "attn_k.weight", BF16, n, n / nHead * nHeadKv));
            ts.add(t(b + "attn_v.weight", BF16, n, n / nHead * nHeadKv));
            ts.add(t(b + "attn_output.weight", BF16, n, n));
            ts.add(t(b + "ffn_gate_inp.weight", BF16, n, nExpert));
            ts.add(t(b + "ffn_gate_exps.weight", BF16, n, 512, nExpert));
            ts.add(t(b + "ffn_up_exps.weight", BF16, n, 512, nExpert));
            ts.add(t(b + "ffn_down_exps.weight", BF16, 512, n, nExpert));
            ts.add(t(b + "ffn_down_shexp.weight", BF16, 512, n));
        }
        return new Model(new GgufMetadata(md, "test"), ts);
    }

    static List<GgmlType> perLayer(QuantPlan p, String kind, int layers) {
        return IntStream.range(0, layers).mapToObj(i -> p.tensor("blk." + i + "." + kind).targetType()).toList();
    }

    static List<GgmlType> where(int n, java.util.function.IntPredicate more, GgmlType yes, GgmlType no) {
        return IntStream.range(0, n).mapToObj(i -> more.test(i) ? yes : no).toList();
    }

    @Test
    void q4KMOfALlama3Like8BMatchesTheWorkedExample() {
        Model m = dense(32, 4096, 32, 8, 14336, 128256, false);
        QuantPlan p = m.plan(Recipe.of("Q4_K_M"));
        java.util.function.IntPredicate more = i -> TensorTypePlanner.useMoreBits(i, 32);
        assertThat(IntStream.range(0, 32).filter(more).boxed().toList())
                .containsExactly(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31);
        assertThat(p.tensor("token_embd.weight").targetType()).isEqualTo(Q4_K);
        assertThat(p.tensor("output.weight").targetType()).isEqualTo(Q6_K);
        assertThat(perLayer(p, "attn_v.weight", 32)).isEqualTo(where(32, more, Q6_K, Q5_K)); // n_gqa 4 bumps q4_K to q5_K
        assertThat(perLayer(p, "ffn_down.weight", 32)).isEqualTo(where(32, more, Q6_K, Q4_K));
        assertThat(perLayer(p, "attn_q.weight", 32)).containsOnly(Q4_K);
        assertThat(perLayer(p, "attn_k.weight", 32)).containsOnly(Q4_K);
        assertThat(perLayer(p, "attn_output.weight", 32)).containsOnly(Q4_K);
        assertThat(perLayer(p, "ffn_gate.weight", 32)).containsOnly(Q4_K);
        assertThat(p.tensor("blk.0.attn_norm.weight").targetType()).isEqualTo(F32);
        assertThat(p.tensor("blk.0.attn_norm.weight").convert()).isFalse();
        assertThat(p.tensor("blk.0.attn_norm.weight").reason()).isEqualTo("not quantized: 1-D");
        assertThat(p.metadata().get("general.file_type")).isEqualTo(GgufValue.ofUInt32(15));
        assertThat(p.fallbackCount()).isZero();
        // sizes are exact arithmetic: q4_K 144 bytes per 256 values
        assertThat(p.tensor("blk.1.attn_q.weight").bytes()).isEqualTo(4096L / 256 * 144 * 4096);
    }

    @Test
    void q3KMUsesTheLayerCountersAndImatrixDependentRulesSeeTheImatrix() {
        Model m = dense(32, 4096, 32, 8, 14336, 32000, false);
        QuantPlan p = m.plan(Recipe.of("Q3_K_M"));
        assertThat(perLayer(p, "attn_v.weight", 32)).isEqualTo(where(32, i -> i < 2, Q5_K, Q4_K));
        assertThat(perLayer(p, "ffn_down.weight", 32)).isEqualTo(where(32, i -> i < 2, Q5_K, Q4_K));
        assertThat(perLayer(p, "attn_output.weight", 32)).containsOnly(Q4_K);
        assertThat(perLayer(p, "attn_q.weight", 32)).containsOnly(Q3_K);

        // IQ4_XS: the first n/8 ffn_down get q5_K only without an imatrix (rule J13)
        QuantPlan without = m.plan(Recipe.of("IQ4_XS"));
        QuantPlan with = m.plan(Recipe.of("IQ4_XS"), m.fullImatrix());
        assertThat(perLayer(without, "ffn_down.weight", 32)).isEqualTo(where(32, i -> i < 4, Q5_K, IQ4_XS));
        assertThat(perLayer(with, "ffn_down.weight", 32)).containsOnly(IQ4_XS);
        assertThat(perLayer(with, "attn_v.weight", 32)).containsOnly(IQ5_K);
        assertThat(with.tensor("blk.3.ffn_down.weight").imatrixEntry()).isEqualTo("blk.3.ffn_down.weight");
        assertThat(with.hasImatrix()).isTrue();
        assertThat(with.metadata().get("quantize.imatrix.entries_count")).isEqualTo(GgufValue.ofInt32(32 * 7));
        assertThat(with.metadata().get("quantize.imatrix.file")).isEqualTo(GgufValue.ofString("test.imatrix"));
    }

    @Test
    void customRulesReplaceTheDefaultButTheCountersStillAdvance() {
        Model m = dense(6, 256, 8, 4, 768, 4096, false); // tiny-llama's shape: attn_v q6_K at counter 2 and 5
        QuantPlan plain = m.plan(Recipe.of("Q4_K_M"));
        assertThat(perLayer(plain, "attn_v.weight", 6)).containsExactly(Q4_K, Q4_K, Q6_K, Q4_K, Q4_K, Q6_K);

        QuantPlan p = m.plan(Recipe.of("Q4_K_M").withCustomRules("blk\\.0\\.attn_v=q8_0,attn_v=q5_K,blk\\.0\\.=iq4_nl"));
        // layer 0 takes the first matching rule; the later blk.0 rule loses to it for attn_v only
        assertThat(perLayer(p, "attn_v.weight", 6)).containsExactly(Q8_0, Q5_K, Q5_K, Q5_K, Q5_K, Q5_K);
        assertThat(p.tensor("blk.0.attn_q.weight").targetType()).isEqualTo(IQ4_NL);
        assertThat(p.tensor("blk.0.attn_v.weight").reason()).isEqualTo("custom rule 'blk\\.0\\.attn_v=q8_0'");

        // only layer 0 overridden: layer 2 still counts as the third attn_v (q6_K), not layer 3
        QuantPlan q = m.plan(Recipe.of("Q4_K_M").withCustomRules("blk\\.0\\.attn_v=q8_0"));
        assertThat(perLayer(q, "attn_v.weight", 6)).containsExactly(Q8_0, Q4_K, Q6_K, Q4_K, Q4_K, Q6_K);
    }

    @Test
    void typeOptionsOverrideCustomRulesAndPureIgnoresThem() {
        Model m = dense(6, 256, 8, 4, 768, 4096, false);
        Recipe r = Recipe.of("Q4_K_M").withCustomRules("token_embd=q8_0,output=q8_0")
                .withType(TypeOption.TOKEN_EMBEDDING, Q6_K).withType(TypeOption.OUTPUT, Q5_K);
        QuantPlan p = m.plan(r);
        assertThat(p.tensor("token_embd.weight").targetType()).isEqualTo(Q6_K);
        assertThat(p.tensor("token_embd.weight").reason()).isEqualTo("--token-embedding-type");
        assertThat(p.tensor("output.weight").targetType()).isEqualTo(Q5_K);

        QuantPlan pure = m.plan(Recipe.of("Q4_K_M").withFlag(Recipe.Flag.PURE).withCustomRules("attn=q8_0"));
        assertThat(pure.tensors().stream().filter(PlannedTensor::convert).map(PlannedTensor::targetType).distinct()).containsExactly(Q4_K);
        assertThat(pure.warnings()).anyMatch(w -> w.contains("not applied with --pure"));

        QuantPlan leave = m.plan(Recipe.of("Q8_0").withFlag(Recipe.Flag.LEAVE_OUTPUT_TENSOR));
        assertThat(leave.tensor("output.weight").targetType()).isEqualTo(BF16);
        assertThat(leave.tensor("output.weight").reason()).contains("--leave-output-tensor");
    }

    @Test
    void tiedEmbeddingsAreTreatedAsTheOutput() {
        Model m = dense(6, 256, 8, 4, 768, 4096, true);
        assertThat(m.plan(Recipe.of("Q4_K_M")).tensor("token_embd.weight").targetType()).isEqualTo(Q6_K);
        assertThat(m.plan(Recipe.of("IQ4_KS"), m.fullImatrix()).tensor("token_embd.weight").targetType()).isEqualTo(IQ5_K);
        assertThat(m.plan(Recipe.of("Q8_0")).tensor("token_embd.weight").targetType()).isEqualTo(Q8_0);
    }

    @Test
    void rowsThatDoNotFit256FallBack() {
        Model m = dense(4, 288, 9, 3, 800, 1000, false); // 288 columns: not a multiple of 256, but of 32
        QuantPlan p = m.plan(Recipe.of("Q4_K_M"));
        assertThat(p.tensor("blk.1.attn_q.weight").targetType()).isEqualTo(Q5_0); // q4_K -> q5_0
        assertThat(p.tensor("blk.1.attn_q.weight").reason()).contains("fallback from q4_K");
        assertThat(p.tensor("output.weight").targetType()).isEqualTo(Q8_0); // rule A2
        assertThat(p.tensor("blk.3.ffn_down.weight").targetType()).isEqualTo(Q8_0); // 800 columns, q6_K (last layer) -> q8_0
        assertThat(p.tensor("blk.0.ffn_down.weight").targetType()).isEqualTo(Q5_0); // q4_K -> q5_0
        assertThat(p.fallbackCount()).isPositive();
        assertThat(p.warnings()).anyMatch(w -> w.contains("not divisible by 256") && w.contains("blk.1.attn_q.weight"));
        assertThat(m.plan(Recipe.of("IQ4_XS")).tensor("blk.1.attn_q.weight").targetType()).isEqualTo(IQ4_NL);

        Model odd = dense(2, 100, 4, 4, 200, 1000, false); // 100 columns fit no quantized block
        assertThatThrownBy(() -> odd.plan(Recipe.of("Q8_0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has rows of 100 elements").hasMessageContaining("q8_0");
    }

    @Test
    void moeTensorsUseTheLayerFromTheirName() {
        Model m = moe(16, 16, 8, 2);
        QuantPlan p = m.plan(Recipe.of("Q4_K_M"));
        java.util.function.IntPredicate more = i -> TensorTypePlanner.useMoreBits(i, 16);
        assertThat(perLayer(p, "ffn_down_exps.weight", 16)).isEqualTo(where(16, more, Q6_K, Q4_K));
        assertThat(perLayer(p, "ffn_down_shexp.weight", 16)).isEqualTo(where(16, more, Q6_K, Q4_K));
        assertThat(perLayer(p, "attn_k.weight", 16)).containsOnly(Q8_0);
        assertThat(perLayer(p, "attn_v.weight", 16)).containsOnly(Q8_0);
        assertThat(perLayer(p, "attn_output.weight", 16)).containsOnly(Q5_K);
        assertThat(perLayer(p, "attn_q.weight", 16)).containsOnly(Q4_K); // §4.3: q4_K for 16 experts
        assertThat(perLayer(p, "ffn_gate_inp.weight", 16)).containsOnly(BF16);
        assertThat(p.tensor("blk.0.ffn_down_exps.weight").bytes()).isEqualTo(512L / 256 * 210 * 256 * 16);

        QuantPlan routers = m.plan(Recipe.of("Q4_K_M").withType(TypeOption.FFN_GATE_INP, F16));
        assertThat(perLayer(routers, "ffn_gate_inp.weight", 16)).containsOnly(F16);

        Model eight = moe(8, 8, 8, 4);
        assertThat(perLayer(eight.plan(Recipe.of("Q6_K")), "attn_q.weight", 8)).containsOnly(Q8_0); // the reference's 8-expert rule
    }

    @Test
    void lowBitTypesNeedAnImportanceMatrix() {
        Model m = moe(8, 8, 8, 4);
        assertThatThrownBy(() -> m.plan(Recipe.of("IQ2_XXS")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftype IQ2_XXS").hasMessageContaining("importance matrix");
        assertThat(m.plan(Recipe.of("IQ2_XXS").withFlag(Recipe.Flag.IGNORE_IMATRIX_RULES)).tensor("blk.0.ffn_up_exps.weight").targetType())
                .isEqualTo(IQ2_XXS);

        Recipe r = Recipe.of("Q4_K_M").withCustomRules("ffn_up_exps=iq1_s");
        assertThatThrownBy(() -> m.plan(r))
                .hasMessageContaining("'blk.0.ffn_up_exps.weight' as iq1_s (from custom rule 'ffn_up_exps=iq1_s'): no --imatrix given");
        Imatrix partial = new Imatrix(List.of(new ImatrixEntry("blk.0.ffn_up_exps.weight", 1, new float[256 * 8])), 1, null, "p.dat");
        assertThatThrownBy(() -> m.plan(r, partial))
                .hasMessageContaining("'blk.1.ffn_up_exps.weight' as iq1_s").hasMessageContaining("no entry for it in the importance matrix");
        QuantPlan ok = m.plan(r, m.fullImatrix());
        assertThat(ok.tensor("blk.3.ffn_up_exps.weight").targetType()).isEqualTo(IQ1_S);
        assertThat(ok.tensor("blk.3.ffn_up_exps.weight").imatrixEntry()).isEqualTo("blk.3.ffn_up_exps.weight");

        Imatrix wrongSize = new Imatrix(List.of(new ImatrixEntry("blk.0.attn_q.weight", 1, new float[255])), 1, null, "w.dat");
        assertThatThrownBy(() -> m.plan(Recipe.of("Q4_K_M"), wrongSize))
                .hasMessageContaining("imatrix entry 'blk.0.attn_q.weight' has 255 values").hasMessageContaining("needs ne0*ne2 = 256");
    }

    @Test
    void errorsNameTheRecipeSettingAtFault() {
        Model m = moe(8, 8, 8, 4);
        assertThatThrownBy(() -> m.plan(Recipe.of("IQ2_XXS"))).isInstanceOfSatisfying(RecipeException.class, e -> {
            assertThat(e.setting()).isEqualTo(new RecipeSetting(RecipeSetting.FTYPE, "IQ2_XXS"));
            assertThat(e.reason()).isEqualTo("needs an importance matrix");
        });
        assertThatThrownBy(() -> m.plan(Recipe.of("Q4_K_M").withCustomRules("attn_q=q8_0,ffn_down_exps=iq2_xs")))
                .isInstanceOfSatisfying(RecipeException.class, e -> {
                    assertThat(e.option()).isEqualTo("--custom-q");
                    assertThat(e.rule()).isEqualTo("ffn_down_exps=iq2_xs");
                    assertThat(e.reason()).startsWith("needs an importance matrix for 8 tensor(s)").contains("'blk.0.ffn_down_exps.weight' as iq2_xs");
                });

        Model oddFfn = dense(2, 256, 4, 4, 200, 1000, false); // ffn_down rows of 200 fit no quantized block
        assertThatThrownBy(() -> oddFfn.plan(Recipe.of("Q4_K_M").withCustomRules("ffn_down=q5_0"))).isInstanceOfSatisfying(RecipeException.class, e -> {
            assertThat(e.setting()).isEqualTo(new RecipeSetting("--custom-q", "ffn_down=q5_0"));
            assertThat(e.reason()).contains("has rows of 200 elements");
        });

        QuantPlan p = m.plan(Recipe.of("Q4_K_M").withCustomRules("attn_v=q6_K").withType(TypeOption.TOKEN_EMBEDDING, Q8_0));
        assertThat(p.tensor("blk.0.attn_v.weight").chosenBy()).isEqualTo(new RecipeSetting("--custom-q", "attn_v=q6_K"));
        assertThat(p.tensor("blk.0.attn_k.weight").chosenBy()).isEqualTo(RecipeSetting.ftype(io.quantarena.core.gguf.LlamaFileType.MOSTLY_Q4_K_M));
        assertThat(p.tensor("token_embd.weight").chosenBy()).isEqualTo(new RecipeSetting("--token-embedding-type", "q8_0"));
        assertThat(p.tensor("blk.0.ffn_gate_inp.weight").chosenBy()).isNull(); // routers are copied
    }

    @Test
    void imatrixLookupFallsBackToTheFusedNames() {
        Model m = moe(2, 8, 8, 4);
        Imatrix im = new Imatrix(List.of(new ImatrixEntry("blk.0.ffn_up_exps.weight", 4, new float[256 * 8]),
                new ImatrixEntry("blk.1.ffn_gate_up_exps.weight", 4, new float[256 * 8])), 4, null, "f.dat");
        QuantPlan p = m.plan(Recipe.of("Q4_K_M"), im);
        assertThat(p.tensor("blk.0.ffn_gate_exps.weight").imatrixEntry()).isEqualTo("blk.0.ffn_up_exps.weight");
        assertThat(p.tensor("blk.1.ffn_gate_exps.weight").imatrixEntry()).isEqualTo("blk.1.ffn_gate_up_exps.weight");
        assertThat(p.tensor("blk.1.ffn_up_exps.weight").imatrixEntry()).isEqualTo("blk.1.ffn_gate_up_exps.weight");
        assertThat(p.tensor("blk.0.attn_q.weight").imatrixEntry()).isNull();
        assertThat(p.warnings()).anyMatch(w -> w.contains("did not find imatrix data for 'blk.0.attn_q.weight'"));
    }

    @Test
    void warnsAboutRulesThatNeverApply() {
        Model m = dense(6, 256, 8, 4, 768, 4096, false);
        QuantPlan p = m.plan(Recipe.of("Q4_K_M").withCustomRules("attn=q8_0,attn_q=q6_K,ffn_up_exps=q2_K"));
        assertThat(p.warnings()).contains("custom-q rule 'ffn_up_exps=q2_K' matches no quantized tensor",
                "custom-q rule 'attn_q=q6_K' never applies: earlier rules match all its tensors");
        assertThat(p.warnings()).noneMatch(w -> w.contains("'attn=q8_0'"));
    }

    @Test
    void interleavedTypesNeedWholeRowGroupsAndNeverApplyToEmbeddings() {
        Model m = dense(2, 256, 8, 2, 768, 4098, false); // attn_k/v have 64 rows, vocab 4098 is not a multiple of 4
        QuantPlan p = m.plan(Recipe.of("Q4_K_M").withCustomRules("attn_k=q4_k_r4,output=q6_k_r4,token_embd=q8_0_r8"));
        assertThat(p.tensor("blk.0.attn_k.weight").targetType()).isEqualTo(Q4_K_R4); // 64 rows: groups of 4 fit
        assertThat(p.tensor("output.weight").targetType()).isEqualTo(Q6_K); // 4098 rows do not
        assertThat(p.tensor("token_embd.weight").targetType()).isEqualTo(Q8_0); // §4.7
    }

    @Test
    void requantizingNeedsPermission() {
        Model bf16 = dense(2, 256, 8, 4, 768, 4096, false);
        List<GgufTensorInfo> q8 = bf16.tensors().stream()
                .map(x -> x.type() == BF16 ? t(x.name(), Q8_0, x.ne()) : x).toList();
        Model m = new Model(bf16.metadata(), q8);
        assertThatThrownBy(() -> m.plan(Recipe.of("Q4_K_M")))
                .hasMessageContaining("requantizing from type q8_0").hasMessageContaining("--allow-requantize");
        QuantPlan same = m.plan(Recipe.of("Q8_0"));
        assertThat(same.tensors()).noneMatch(PlannedTensor::convert); // already the target type: copied
        assertThat(m.plan(Recipe.of("Q4_K_M").withFlag(Recipe.Flag.ALLOW_REQUANTIZE)).tensor("blk.0.attn_q.weight").targetType()).isEqualTo(Q4_K);
    }

    @Test
    void metadataRecordsProvenanceInLlamaOrder() {
        Model m = dense(2, 256, 8, 4, 768, 4096, false);
        Recipe r = Recipe.of("Q4_K_M").withOverride(KvOverride.parse("general.name=str:renamed")).withOverride(KvOverride.parse("x.flag=bool:true"));
        QuantPlan p = m.plan(r, m.fullImatrix());
        assertThat(List.copyOf(p.metadata().keySet())).containsExactly("general.architecture", "general.file_type", "llama.block_count",
                "llama.attention.head_count", "llama.attention.head_count_kv", "llama.vocab_size", "general.quantization_version",
                "general.name", "x.flag", "quantize.imatrix.file", "quantize.imatrix.dataset", "quantize.imatrix.entries_count",
                "quantize.imatrix.chunks_count", "quantize.recipe");
        assertThat(p.metadata().get("general.file_type")).isEqualTo(GgufValue.ofUInt32(15));
        assertThat(p.metadata().get("quantize.recipe")).isEqualTo(GgufValue.ofString(r.text()));
        assertThat(p.metadata().get("quantize.imatrix.chunks_count")).isEqualTo(GgufValue.ofInt32(10));

        QuantPlan hidden = m.plan(r.withFlag(Recipe.Flag.HIDE_IMATRIX), m.fullImatrix());
        assertThat(hidden.metadata().get("quantize.imatrix.file")).isEqualTo(GgufValue.ofString("top_secret"));
        assertThat(hidden.metadata().get("quantize.imatrix.entries_count")).isEqualTo(GgufValue.ofInt32(0));
    }

    @Test
    void mixturesTheSpecDoesNotGiveAreRefusedUnlessPure() {
        Model m = dense(2, 256, 8, 4, 768, 4096, false);
        assertThatThrownBy(() -> m.plan(Recipe.of("IQ2_KT"))).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("IQ2_KT");
        assertThat(m.plan(Recipe.of("IQ2_KT").withFlag(Recipe.Flag.PURE), m.fullImatrix()).tensor("blk.0.attn_q.weight").targetType()).isEqualTo(IQ2_KT);
    }
}
