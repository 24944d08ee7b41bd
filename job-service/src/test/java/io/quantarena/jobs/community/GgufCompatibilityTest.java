package io.quantarena.jobs.community;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufValue;
import io.quantarena.core.gguf.GgufWriter;
import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GgufCompatibilityTest {

    @TempDir
    Path dir;

    private static final Map<String, long[]> BASE = new LinkedHashMap<>();

    static {
        BASE.put("token_embd.weight", new long[]{64, 32});
        BASE.put("blk.0.attn_q.weight", new long[]{64, 64});
        BASE.put("blk.0.attn_norm.weight", new long[]{64});
        BASE.put("output.weight", new long[]{64, 32});
    }

    @Test
    void aQuantWithTheSameTensorsInOtherTypesMatches() throws Exception {
        Map<String, GgmlType> types = Map.of("token_embd.weight", GgmlType.Q8_0, "blk.0.attn_q.weight", GgmlType.Q4_0,
                "output.weight", GgmlType.BF16);
        assertThat(mismatch("llama", BASE, types)).isEmpty();
    }

    @Test
    void theFirstMismatchIsNamed() throws Exception {
        assertThat(mismatch("llama4", BASE, Map.of())).contains("architecture is 'llama4', the base model's is 'llama'");

        Map<String, long[]> reshaped = new LinkedHashMap<>(BASE);
        reshaped.put("blk.0.attn_q.weight", new long[]{64, 32});
        reshaped.put("output.weight", new long[]{32, 32});
        assertThat(mismatch("llama", reshaped, Map.of()))
                .contains("tensor 'blk.0.attn_q.weight' has shape [64, 32], the base model's has [64, 64]");

        Map<String, long[]> missing = new LinkedHashMap<>(BASE);
        missing.remove("blk.0.attn_norm.weight");
        assertThat(mismatch("llama", missing, Map.of())).contains("tensor 'blk.0.attn_norm.weight' of the base model is missing");

        Map<String, long[]> extra = new LinkedHashMap<>(BASE);
        extra.put("blk.1.attn_q.weight", new long[]{64, 64});
        assertThat(mismatch("llama", extra, Map.of())).contains("tensor 'blk.1.attn_q.weight' is not in the base model");
    }

    private java.util.Optional<String> mismatch(String arch, Map<String, long[]> tensors, Map<String, GgmlType> types) throws Exception {
        Path base = write("base.gguf", "llama", BASE, Map.of());
        Path candidate = write("candidate.gguf", arch, tensors, types);
        try (GgufFile b = GgufFile.open(base); GgufFile c = GgufFile.open(candidate)) {
            return GgufCompatibility.firstMismatch(b, c);
        }
    }

    private Path write(String name, String arch, Map<String, long[]> tensors, Map<String, GgmlType> types) throws Exception {
        Path p = dir.resolve(name);
        try (GgufWriter w = GgufWriter.create(p)) {
            w.put("general.architecture", GgufValue.ofString(arch));
            tensors.forEach((n, ne) -> w.addTensor(n, ne, types.getOrDefault(n, GgmlType.F32)));
            for (var t : w.tensors()) {
                w.writeTensorData(new byte[(int) t.byteSize()]);
            }
        }
        return p;
    }
}
