package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixEntry;
import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every quant in reference/expected.json: planning its recipe (ftype plus --custom-q, with an
 * importance matrix as the reference had) gives each tensor the reference's type, and the file
 * size the plan computes is within 0.5% of the reference file's.
 */
class ReferenceRecipesTest {

    record Quant(String name, String base, String ftype, String customQ, long fileBytes, Map<String, Integer> typeIds) {
    }

    static List<Quant> quants() {
        Map<String, Object> root = MiniJson.object(MiniJson.parse(SharedAssets.text("reference/expected.json")));
        List<Quant> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : MiniJson.object(root.get("quants")).entrySet()) {
            Map<String, Object> q = MiniJson.object(e.getValue());
            Map<String, Integer> ids = new LinkedHashMap<>();
            MiniJson.object(q.get("tensor_types_ggml_ids")).forEach((k, v) -> ids.put(k, ((Double) v).intValue()));
            out.add(new Quant(e.getKey(), (String) q.get("base"), (String) q.get("ftype"), (String) q.get("custom_q"),
                    ((Double) q.get("file_bytes")).longValue(), ids));
        }
        return out;
    }

    static String modelFile(String base) {
        Map<String, Object> root = MiniJson.object(MiniJson.parse(SharedAssets.text("reference/expected.json")));
        return (String) MiniJson.object(MiniJson.object(root.get("models")).get(base)).get("file");
    }

    /** An importance matrix with an entry of the right size for every weight matrix (the reference quants all used one). */
    static Imatrix imatrixFor(GgufFile model) {
        List<ImatrixEntry> entries = new ArrayList<>();
        for (GgufTensorInfo t : model.tensors()) {
            if (t.name().startsWith("blk.") && t.significantDims() >= 2) {
                float[] v = new float[Math.toIntExact(t.ne(0) * t.ne(2))];
                Arrays.fill(v, 1f);
                entries.add(new ImatrixEntry(t.name(), 1, v));
            }
        }
        return new Imatrix(entries, 543, "calibration.txt", "tiny.imatrix");
    }

    static Recipe recipe(Quant q) {
        Recipe r = Recipe.of(q.ftype());
        return q.customQ() == null ? r : r.withCustomRules(q.customQ());
    }

    @Test
    void expectedJsonListsTheSeedsRecipes() {
        List<String> names = quants().stream().map(Quant::name).toList();
        assertThat(names).contains("tiny-llama4-Q4_K_M", "tiny-llama4-ik-q2_k", "tiny-llama4-ik-iq4_ks", "tiny-llama-Q8_0", "tiny-llama-Q4_K_M");
        assertThat(names).hasSizeGreaterThanOrEqualTo(18);
    }

    @TestFactory
    Stream<DynamicTest> everyReferenceQuantGetsTheReferenceTypesAndSize() {
        return quants().stream().map(q -> DynamicTest.dynamicTest(q.name(), () -> {
            try (GgufFile model = GgufFile.open(SharedAssets.path(modelFile(q.base())))) {
                QuantPlan plan = TensorTypePlanner.plan(model, recipe(q), imatrixFor(model));

                Map<String, Integer> got = new LinkedHashMap<>();
                plan.types().forEach((name, type) -> got.put(name, type.id()));
                assertThat(got).as(q.name() + " tensor types").containsExactlyEntriesOf(q.typeIds());

                double rel = Math.abs(plan.fileBytes() - q.fileBytes()) / (double) q.fileBytes();
                assertThat(rel).as(q.name() + ": planned " + plan.fileBytes() + " bytes, reference " + q.fileBytes()).isLessThan(0.005);
                // the tensor data alone must match exactly: only the header may differ (paths, our recipe key)
                long refData = 0;
                for (GgufTensorInfo t : model.tensors()) {
                    long b = GgufTensorInfo.byteSize(GgmlType.byId(q.typeIds().get(t.name())), t.ne());
                    refData += (b + 31) / 32 * 32;
                }
                long ourData = plan.tensors().stream().mapToLong(p -> (p.bytes() + 31) / 32 * 32).sum();
                assertThat(ourData).isEqualTo(refData);
                assertThat(plan.metadata().get("general.file_type").asLong()).isEqualTo(recipe(q).ftype().value());
            }
        }));
    }
}
