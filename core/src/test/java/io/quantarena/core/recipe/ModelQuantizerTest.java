package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.gguf.GgufWriter;
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
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelQuantizerTest {

    static final Path TINY_LLAMA = SharedAssets.path("models/tiny-llama-bf16.gguf");

    @TempDir
    Path tmp;

    static float[] dequantize(GgufFile f, GgufTensorInfo t) {
        QuantCodec c = QuantCodecs.forType(t.type());
        MemorySegment data = f.tensorData(t);
        int ne0 = (int) t.ne(0);
        float[] out = new float[Math.toIntExact(t.elementCount())];
        for (long r = 0; r < t.rowCount(); r++) {
            c.dequantizeRow(data, r * t.rowBytes(), out, (int) (r * ne0), ne0);
        }
        return out;
    }

    @Test
    void quantizesTinyLlamaToQ8_0() throws Exception {
        Path out = tmp.resolve("q8.gguf");
        List<String> reported = new ArrayList<>();
        long[] lastBytes = {0};
        QuantizeResult res = new ModelQuantizer().quantize(new QuantizeRequest(TINY_LLAMA, out, GgmlType.Q8_0, 2),
                (index, count, name, type, bytesWritten) -> {
                    assertThat(index).isEqualTo(reported.size());
                    assertThat(count).isEqualTo(57);
                    assertThat(bytesWritten).isGreaterThan(lastBytes[0]);
                    lastBytes[0] = bytesWritten;
                    reported.add(name + "=" + type.typeName());
                });

        try (GgufFile src = GgufFile.open(TINY_LLAMA); GgufFile q = GgufFile.open(out)) {
            assertThat(reported).hasSize(src.tensors().size());
            assertThat(lastBytes[0]).isEqualTo(Files.size(out));
            assertThat(res.fileBytes()).isEqualTo(Files.size(out));
            assertThat(res.parameterCount()).isEqualTo(src.parameterCount());
            assertThat(res.tensorBytes()).isEqualTo(q.tensorBytes());
            assertThat(res.bitsPerWeight()).isEqualTo(q.tensorBytes() * 8.0 / q.parameterCount());
            assertThat(res.bitsPerWeight()).isBetween(8.5, 8.6); // Q8_0 matrices plus a few F32 norms
            assertThat(List.copyOf(res.tensorTypes().keySet())).containsExactlyElementsOf(src.tensors().stream().map(GgufTensorInfo::name).toList());

            // metadata: input order kept, file type replaced in place (llama ftype 7 = MOSTLY_Q8_0), version appended
            List<String> srcKeys = List.copyOf(src.metadata().keys());
            List<String> keys = List.copyOf(q.metadata().keys());
            assertThat(keys.subList(0, srcKeys.size())).isEqualTo(srcKeys);
            assertThat(keys.subList(srcKeys.size(), keys.size())).containsExactly("general.quantization_version", "quantize.recipe");
            assertThat(q.metadata().getString("quantize.recipe")).isEqualTo("Q8_0 --pure --allow-requantize");
            assertThat(q.metadata().getLong("general.file_type")).isEqualTo(7);
            assertThat(q.metadata().getLong("general.quantization_version")).isEqualTo(2);
            assertThat(q.metadata().getStringArray("tokenizer.ggml.tokens")).isEqualTo(src.metadata().getStringArray("tokenizer.ggml.tokens"));

            for (GgufTensorInfo s : src.tensors()) {
                GgufTensorInfo t = q.tensor(s.name());
                assertThat(t.ne()).isEqualTo(s.ne());
                assertThat(res.tensorTypes().get(s.name())).isEqualTo(t.type().typeName());
                if (s.nDims() == 1) {
                    assertThat(t.type()).as(s.name()).isEqualTo(GgmlType.F32);
                    assertThat(q.tensorData(t).mismatch(src.tensorData(s))).as(s.name()).isEqualTo(-1L);
                    continue;
                }
                assertThat(t.type()).as(s.name()).isEqualTo(GgmlType.Q8_0);
                assertThat(t.byteSize()).isEqualTo(s.elementCount() / 32 * 34);
                List<String> worst = new ArrayList<>();
                float[] ref = dequantize(src, s);
                float[] got = dequantize(q, t);
                double errSq = 0;
                double refSq = 0;
                for (int b = 0; b < ref.length; b += 32) {
                    float amax = 0;
                    for (int i = b; i < b + 32; i++) {
                        amax = Math.max(amax, Math.abs(ref[i]));
                    }
                    for (int i = b; i < b + 32; i++) {
                        // Q8_0: q = round(x * 127/amax), d = amax/127 stored as fp16 (relative error <= 2^-11):
                        // |q*d' - x| <= d/2 + 127 * d * 2^-11 < 0.57 d
                        if (Math.abs(got[i] - ref[i]) > amax / 127f * 0.57f + 1e-7f) {
                            worst.add(s.name() + "[" + i + "]: " + got[i] + " vs " + ref[i] + " (block amax " + amax + ")");
                        }
                        errSq += (got[i] - ref[i]) * (double) (got[i] - ref[i]);
                        refSq += ref[i] * (double) ref[i];
                    }
                }
                assertThat(worst).as("elements off by more than ~half a quantization step").isEmpty();
                assertThat(Math.sqrt(errSq / refSq)).as(s.name() + " relative RMS error").isLessThan(0.01);
            }
        }
    }

    @Test
    void outputDoesNotDependOnThreadCountOrSplitInput() throws Exception {
        Path one = tmp.resolve("one.gguf");
        Path three = tmp.resolve("three.gguf");
        new ModelQuantizer().quantize(new QuantizeRequest(TINY_LLAMA, one, GgmlType.Q4_0, 1), null);
        new ModelQuantizer().quantize(new QuantizeRequest(TINY_LLAMA, three, GgmlType.Q4_0, 3), QuantizeProgress.NONE);
        assertThat(Files.mismatch(one, three)).isEqualTo(-1L);

        Path split = tmp.resolve("split.gguf");
        List<Path> parts;
        try (GgufFile in = GgufFile.open(TINY_LLAMA); GgufWriter w = GgufWriter.create(split, GgufWriter.SplitPolicy.maxTensors(20))) {
            w.putAll(in.metadata());
            in.tensors().forEach(w::addTensor);
            for (GgufTensorInfo t : in.tensors()) {
                w.writeTensorData(in.tensorData(t));
            }
            parts = w.paths();
        }
        Path fromSplit = tmp.resolve("from-split.gguf");
        new ModelQuantizer().quantize(new QuantizeRequest(parts.getFirst(), fromSplit, GgmlType.Q4_0, 2), null);
        assertThat(Files.mismatch(one, fromSplit)).isEqualTo(-1L); // split keys are dropped, so the bytes match
    }

    @Test
    void requantizesQuantizedSources() throws Exception {
        Path q8 = tmp.resolve("q8.gguf");
        Path again = tmp.resolve("q8-again.gguf");
        Path q4 = tmp.resolve("q4.gguf");
        new ModelQuantizer().quantize(new QuantizeRequest(TINY_LLAMA, q8, GgmlType.Q8_0, 2), null);
        // same type: copied verbatim, so the file is identical
        new ModelQuantizer().quantize(new QuantizeRequest(q8, again, GgmlType.Q8_0, 2), null);
        assertThat(Files.mismatch(q8, again)).isEqualTo(-1L);
        // Q8_0 source is dequantized, then quantized to Q4_0
        new ModelQuantizer().quantize(new QuantizeRequest(q8, q4, GgmlType.Q4_0, 2), null);
        try (GgufFile a = GgufFile.open(q8); GgufFile b = GgufFile.open(q4)) {
            GgufTensorInfo ta = a.tensor("blk.0.ffn_down.weight");
            GgufTensorInfo tb = b.tensor("blk.0.ffn_down.weight");
            assertThat(tb.type()).isEqualTo(GgmlType.Q4_0);
            assertThat(b.metadata().getLong("general.file_type")).isEqualTo(2);
            float[] x = dequantize(a, ta);
            float[] y = dequantize(b, tb);
            double e = 0;
            double n = 0;
            for (int i = 0; i < x.length; i++) {
                e += (x[i] - y[i]) * (double) (x[i] - y[i]);
                n += x[i] * (double) x[i];
            }
            assertThat(Math.sqrt(e / n)).isBetween(0.01, 0.2); // 4-bit error: clearly lossy, still close
        }
    }

    @Test
    void cancellationStopsBetweenTensorsAndRemovesOutput() {
        Path out = tmp.resolve("cancelled.gguf");
        QuantizeProgress cancelAfterThree = new QuantizeProgress() {
            int seen;

            @Override
            public void onTensor(int index, int count, String name, GgmlType type, long bytesWritten) {
                seen++;
            }

            @Override
            public boolean cancelled() {
                return seen >= 3;
            }
        };
        assertThatThrownBy(() -> new ModelQuantizer().quantize(new QuantizeRequest(TINY_LLAMA, out, GgmlType.Q8_0, 2), cancelAfterThree))
                .isInstanceOf(CancellationException.class).hasMessageContaining("tensor 3 of 57");
        assertThat(out).doesNotExist();
    }

    @Test
    void rejectsUnsupportedTargetsBeforeWriting() {
        Path out = tmp.resolve("x.gguf");
        assertThatThrownBy(() -> new ModelQuantizer().quantize(new QuantizeRequest(TINY_LLAMA, out, GgmlType.IQ2_KT, 1), null))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("iq2_kt");
        assertThat(out).doesNotExist();
        assertThatThrownBy(() -> new ModelQuantizer().quantize(new QuantizeRequest(TINY_LLAMA, TINY_LLAMA, GgmlType.Q8_0, 1), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is the input file");
    }

    @Test
    void aPlanWithATypeThisBuildCannotEncodeIsRefusedNamingTheRule() throws Exception {
        QuantPlan plan = ModelQuantizer.plan(TINY_LLAMA, Recipe.of("Q8_0").withCustomRules("attn=q6_K,ffn_down=iq4_kt"), null);
        assertThatThrownBy(() -> new ModelQuantizer().requireExecutable(plan)).isInstanceOfSatisfying(RecipeException.class, e -> {
            assertThat(e.setting()).isEqualTo(new RecipeSetting("--custom-q", "ffn_down=iq4_kt"));
            assertThat(e.reason()).contains("iq4_kt").contains("cannot be encoded");
        });
        QuantPlan lowBit = ModelQuantizer.plan(TINY_LLAMA, Recipe.of("Q8_0").withFlag(Recipe.Flag.IGNORE_IMATRIX_RULES)
                .withType(TypeOption.OUTPUT, GgmlType.IQ2_XXS), null);
        assertThatThrownBy(() -> new ModelQuantizer().requireExecutable(lowBit)).isInstanceOfSatisfying(RecipeException.class, e -> {
            assertThat(e.setting()).isEqualTo(new RecipeSetting("--output-tensor-type", "iq2_xxs"));
            assertThat(e.reason()).contains("without importance data");
        });
        new ModelQuantizer().requireExecutable(ModelQuantizer.plan(TINY_LLAMA, Recipe.of("Q4_K_M"), null));
    }
}
