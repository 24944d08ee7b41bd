package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixEntry;
import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Recipes run end to end on tiny-llama4. */
class RecipeQuantizeTest {

    static final Path TINY_LLAMA4 = SharedAssets.path("models/tiny-llama4-bf16.gguf");
    static final Path REFERENCE_Q4_K_M = SharedAssets.path("reference/quants/tiny-llama4-Q4_K_M.gguf");

    @TempDir
    Path tmp;

    static double relativeRms(float[] got, float[] ref) {
        double e = 0;
        double n = 0;
        for (int i = 0; i < ref.length; i++) {
            e += (got[i] - ref[i]) * (double) (got[i] - ref[i]);
            n += ref[i] * (double) ref[i];
        }
        return Math.sqrt(e / n);
    }

    @Test
    void q4KMOfTinyLlama4HasTheReferenceFilesTypes() throws Exception {
        Path out = tmp.resolve("q4km.gguf");
        Recipe recipe = Recipe.of("Q4_K_M");
        QuantPlan plan = ModelQuantizer.plan(TINY_LLAMA4, recipe, null);
        QuantizeResult res = new ModelQuantizer().quantize(new QuantizeJob(TINY_LLAMA4, out, recipe, null, 2), null);

        try (GgufFile ours = GgufFile.open(out); GgufFile ref = GgufFile.open(REFERENCE_Q4_K_M); GgufFile src = GgufFile.open(TINY_LLAMA4)) {
            Map<String, GgmlType> refTypes = new LinkedHashMap<>();
            ref.tensors().forEach(t -> refTypes.put(t.name(), t.type()));
            Map<String, GgmlType> ourTypes = new LinkedHashMap<>();
            ours.tensors().forEach(t -> ourTypes.put(t.name(), t.type()));
            assertThat(ourTypes).containsExactlyEntriesOf(refTypes);
            assertThat(ours.tensorBytes()).isEqualTo(ref.tensorBytes());

            assertThat(Files.size(out)).isEqualTo(plan.fileBytes()).isEqualTo(res.fileBytes());
            assertThat(ours.metadata().getLong("general.file_type")).isEqualTo(15);
            assertThat(ours.metadata().getLong("general.quantization_version")).isEqualTo(2);
            assertThat(ours.metadata().getString("quantize.recipe")).isEqualTo("Q4_K_M");
            assertThat(ours.metadata().has("quantize.imatrix.file")).isFalse();

            // the data are real quantizations: close to the source, and no worse than the reference's (which had an imatrix)
            for (String name : List.of("blk.0.ffn_down_exps.weight", "blk.1.ffn_up_exps.weight", "blk.2.attn_output.weight", "output.weight")) {
                float[] x = ModelQuantizerTest.dequantize(src, src.tensor(name));
                double oursErr = relativeRms(ModelQuantizerTest.dequantize(ours, ours.tensor(name)), x);
                double refErr = relativeRms(ModelQuantizerTest.dequantize(ref, ref.tensor(name)), x);
                assertThat(oursErr).as(name).isLessThan(0.1).isLessThan(refErr * 1.25);
            }
        }
    }

    /** Records which importance slice each quantize call gets. */
    static class RecordingCodec implements QuantCodec {
        final QuantCodec inner;
        final List<Float> firstImportance;

        RecordingCodec(QuantCodec inner, List<Float> firstImportance) {
            this.inner = inner;
            this.firstImportance = firstImportance;
        }

        @Override
        public GgmlType type() {
            return inner.type();
        }

        @Override
        public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            inner.dequantizeRow(src, srcOffset, dst, dstOffset, n);
        }

        @Override
        public void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix, MemorySegment dst, long dstOffset) {
            if (imatrix != null) {
                assertThat(imatrix).hasSize(nPerRow);
                for (int r = 0; r < nrows; r++) {
                    firstImportance.add(imatrix[0]);
                }
            }
            inner.quantize(src, srcOffset, nrows, nPerRow, imatrix, dst, dstOffset);
        }
    }

    @Test
    void eachExpertIsQuantizedWithItsOwnImatrixSlice() throws Exception {
        // expert e's stored values are (e+1)·ncall, so its importance is e+1
        int ncall = 3;
        float[] v = new float[256 * 8];
        for (int e = 0; e < 8; e++) {
            for (int j = 0; j < 256; j++) {
                v[e * 256 + j] = (e + 1) * ncall;
            }
        }
        Imatrix im = new Imatrix(List.of(new ImatrixEntry("blk.0.ffn_down_exps.weight", ncall, v)), 100, "calib.txt", "t.imatrix");
        List<Float> seen = Collections.synchronizedList(new ArrayList<>());
        ModelQuantizer q = new ModelQuantizer(t -> new RecordingCodec(QuantCodecs.forType(t), seen));
        Path out = tmp.resolve("q8.gguf");
        q.quantize(new QuantizeJob(TINY_LLAMA4, out, Recipe.of("Q8_0"), im, 3), null);

        Map<Float, Integer> rowsPerImportance = new TreeMap<>();
        seen.forEach(f -> rowsPerImportance.merge(f, 1, Integer::sum));
        Map<Float, Integer> expected = new TreeMap<>();
        for (int e = 0; e < 8; e++) {
            expected.put((float) (e + 1), 256); // every row of expert e, nothing else
        }
        assertThat(rowsPerImportance).isEqualTo(expected);
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().getString("quantize.imatrix.file")).isEqualTo("t.imatrix");
            assertThat(f.metadata().getString("quantize.imatrix.dataset")).isEqualTo("calib.txt");
            assertThat(f.metadata().getInt("quantize.imatrix.entries_count")).isEqualTo(1);
            assertThat(f.metadata().getInt("quantize.imatrix.chunks_count")).isEqualTo(100);
        }
    }

    @Test
    void refusesBeforeWritingWhenACodecOrImportanceDataAreMissing() {
        Path out = tmp.resolve("x.gguf");
        // iq2_kt (trellis) has no codec: nothing may be written
        Recipe iq = Recipe.of("Q4_K_M").withCustomRules("attn_q=iq2_kt");
        assertThatThrownBy(() -> new ModelQuantizer().quantize(new QuantizeJob(TINY_LLAMA4, out, iq, null, 1), null))
                .satisfiesAnyOf(e -> assertThat(e).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("iq2_kt"),
                        e -> assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("iq2_kt"));
        assertThat(out).doesNotExist();

        QuantCodec needy = new RecordingCodec(QuantCodecs.forType(GgmlType.Q8_0), new ArrayList<>()) {
            @Override
            public boolean requiresImatrix() {
                return true;
            }
        };
        ModelQuantizer q = new ModelQuantizer(t -> t == GgmlType.Q8_0 ? needy : QuantCodecs.forType(t));
        assertThatThrownBy(() -> q.quantize(new QuantizeJob(TINY_LLAMA4, out, Recipe.of("Q8_0"), null, 1), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type q8_0").hasMessageContaining("importance data");
        assertThat(out).doesNotExist();
    }

    @Test
    void dryRunPlanDoesNotTouchTheOutput() throws Exception {
        QuantPlan plan = ModelQuantizer.plan(TINY_LLAMA4, Recipe.of("Q8_0"), null);
        try (GgufFile src = GgufFile.open(TINY_LLAMA4)) {
            assertThat(plan.parameterCount()).isEqualTo(src.parameterCount());
            assertThat(plan.sourceBytes()).isEqualTo(src.tensorBytes());
            for (PlannedTensor p : plan.tensors()) {
                GgufTensorInfo t = p.source();
                assertThat(p.bytes()).isEqualTo(t.ne(1) * t.ne(2) * t.ne(3) * p.targetType().rowSize(t.ne(0)));
            }
        }
        assertThat(plan.bitsPerWeight()).isBetween(8.5, 8.6);
    }
}
