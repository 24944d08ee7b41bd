package io.quantarena.core.synth;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.kernel.cpu.RowKernels;
import io.quantarena.core.model.Architecture;
import io.quantarena.core.model.CpuBackend;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.model.Session;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.tokenizer.Tokenizer;
import io.quantarena.core.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SyntheticModelWriterTest {

    /** Llama-3.2-1B's layout at a size a test can write in a moment. */
    static final SynthShape TINY_LLAMA = new SynthShape("tiny", Architecture.LLAMA, 2, 256, 4, 2, 64, 512, 1024, 2048,
            500000f, 1e-5f, 0, 0, 0, 0, true, true);
    static final SynthShape TINY_LLAMA4 = new SynthShape("tiny-moe", Architecture.LLAMA4, 4, 256, 4, 2, 64, 512, 1024,
            2048, 500000f, 1e-5f, 4, 1, 256, 2, false, true);

    @TempDir
    Path dir;

    @Test
    void writesTheSameBytesWithAnyThreadCountAndTheRuntimeRunsIt() throws Exception {
        SyntheticModel m = SyntheticModel.plan(TINY_LLAMA, GgmlType.Q4_K);
        Path one = dir.resolve("one.gguf");
        Path two = dir.resolve("two.gguf");
        List<String> seen = new ArrayList<>();
        SyntheticModelWriter.write(m, one, 1, 7, (i, n, name, bytes) -> seen.add(name));
        SyntheticModelWriter.write(m, two, 3, 7, null);
        assertThat(Files.mismatch(one, two)).isEqualTo(-1);
        assertThat(seen).hasSize(m.tensors().size()).startsWith("token_embd.weight", "rope_freqs.weight")
                .endsWith("output_norm.weight");

        try (ModelFile mf = ModelFile.open(one, List.of())) {
            assertThat(mf.hparams().nLayer()).isEqualTo(2);
            assertThat(mf.hparams().nHeadKv()).isEqualTo(2);
            assertThat(mf.hparams().ropeFreqBase()).isEqualTo(500000f);
            assertThat(mf.model().output()).isSameAs(mf.model().tokenEmbedding()); // tied like Llama-3.2-1B
            assertThat(mf.model().layer(1).wq().type()).isEqualTo(GgmlType.Q4_K);
            assertThat(mf.model().layer(1).attnNorm()).containsOnly(1f);
            assertThat(mf.gguf().parameterCount()).isEqualTo(m.parameterCount());
            // rope_freqs: 1 for the fastest rotations, the full factor 32 for the slowest
            float[] freqs = mf.model().ropeFreqs();
            assertThat(freqs[0]).isEqualTo(1f);
            assertThat(freqs[31]).isEqualTo(32f);

            float[] w = new float[256 * 64];
            GgufTensorInfo q = mf.gguf().tensor("blk.0.attn_q.weight");
            for (int r = 0; r < 64; r++) {
                RowKernels.forType(q.type()).dequantize(mf.gguf().tensorData(q), r * q.rowBytes(), 0, w, r * 256, 256);
            }
            double sum = 0, sq = 0;
            for (float v : w) {
                sum += v;
                sq += v * v;
            }
            assertThat(sum / w.length).isCloseTo(0, within(0.002));
            assertThat(Math.sqrt(sq / w.length)).isCloseTo(SyntheticModel.WEIGHT_SIGMA, within(0.003));

            Tokenizer tok = Tokenizers.fromGguf(mf.gguf().metadata());
            int[] ids = tok.encode("hello there", true, false);
            try (CpuBackend be = new CpuBackend(2)) {
                Session s = new Session(mf.model(), be, 32, 8, KvCacheType.F16);
                float[] logits = s.evaluate(ids, 0, ids.length, ids.length - 1);
                assertThat(logits).hasSize(1024);
                for (float v : logits) {
                    assertThat(v).isFinite();
                }
            }
        }
    }

    @Test
    void llama4MoeShapeHasRoutedAndSharedExpertsAndRuns() throws Exception {
        SyntheticModel m = SyntheticModel.plan(TINY_LLAMA4, GgmlType.Q8_0);
        Path p = dir.resolve("moe.gguf");
        SyntheticModelWriter.write(m, p, 2, 1, null);
        try (ModelFile mf = ModelFile.open(p, List.of())) {
            assertThat(mf.hparams().arch()).isEqualTo(Architecture.LLAMA4);
            assertThat(mf.hparams().nExpert()).isEqualTo(4);
            assertThat(mf.model().layer(0).isMoe()).isFalse();
            assertThat(mf.model().layer(1).isMoe()).isTrue();
            assertThat(mf.model().layer(1).router().type()).isEqualTo(GgmlType.F32);
            assertThat(mf.model().layer(1).gateShexp()).isNotNull();
            assertThat(mf.model().output()).isNotSameAs(mf.model().tokenEmbedding());
            assertThat(mf.gguf().tensor("blk.1.ffn_down_exps.weight").ne()).containsExactly(256, 256, 4);
            try (CpuBackend be = new CpuBackend(1)) {
                Session s = new Session(mf.model(), be, 16, 4, KvCacheType.F16);
                float[] logits = s.evaluate(new int[]{1000, 5, 300, 7, 9}, 0, 5, 4);
                assertThat(logits[17]).isFinite();
            }
        }
    }

    @Test
    void typesThatNeedAnImportanceMatrixAreWrittenWithAUniformOne() throws Exception {
        GgmlType type = GgmlType.IQ2_XXS;
        assertThat(QuantCodecs.forType(type).requiresImatrix()).isTrue();
        Path p = dir.resolve("iq2.gguf");
        SyntheticModelWriter.write(SyntheticModel.plan(TINY_LLAMA.withLayers(1), type), p, 2, 3, null);
        try (GgufFile g = GgufFile.open(p)) {
            assertThat(g.tensor("blk.0.ffn_down.weight").type()).isEqualTo(type);
            assertThat(g.metadata().getLong("general.file_type")).isEqualTo(19); // MOSTLY_IQ2_XXS
        }
    }

    @Test
    void namedShapesHaveTheirDocumentedSizes() {
        SyntheticModel oneB = SyntheticModel.plan(SynthShape.LLAMA_1B, GgmlType.Q4_K);
        assertThat(oneB.parameterCount()).isEqualTo(1_235_814_400L + 32); // Llama-3.2-1B plus rope_freqs
        assertThat(oneB.tensors()).hasSize(2 + 16 * 9 + 1);
        SyntheticModel moe = SyntheticModel.plan(SynthShape.LLAMA4_8B_MOE, GgmlType.Q4_K);
        assertThat(moe.parameterCount() / 1e9).isCloseTo(7.85, within(0.05));
        assertThat(SynthShape.byName("8B-MoE")).isSameAs(SynthShape.LLAMA4_8B_MOE);
        assertThatThrownBy(() -> SynthShape.byName("70b")).hasMessageContaining("1b or 8b-moe");
        SynthShape narrow = new SynthShape("narrow", Architecture.LLAMA, 1, 96, 2, 1, 48, 128, 512, 512, 10000f, 1e-5f,
                0, 0, 0, 0, true, false);
        assertThatThrownBy(() -> SyntheticModel.plan(narrow, GgmlType.Q4_K))
                .hasMessageContaining("token_embd.weight").hasMessageContaining("block size 256");
    }
}
