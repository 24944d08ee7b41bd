package io.quantarena.core.bench;

import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.synth.SyntheticModel;
import io.quantarena.core.synth.SyntheticModelWriter;
import io.quantarena.core.synth.SynthShape;
import io.quantarena.core.model.Architecture;
import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DecodeTrafficTest {

    @TempDir
    Path dir;

    @Test
    void denseTiedModelReadsEveryWeightOnceAnEmbeddingRowAndTheKvCache() throws Exception {
        SynthShape shape = new SynthShape("t", Architecture.LLAMA, 2, 256, 4, 2, 64, 512, 1024, 2048, 500000f, 1e-5f,
                0, 0, 0, 0, true, false);
        Path p = dir.resolve("d.gguf");
        SyntheticModelWriter.write(SyntheticModel.plan(shape, GgmlType.Q8_0), p, 1, 1, null);
        try (ModelFile mf = ModelFile.open(p, List.of())) {
            long all = mf.gguf().tensorBytes();
            long embdRow = GgmlType.Q8_0.rowSize(256);
            double kv = 2 * 2 * 10.0 * 128 * 2; // layers · (K and V) · cells · kvDim · f16 bytes
            assertThat(DecodeTraffic.bytesPerToken(mf.model(), 10, KvCacheType.F16)).isCloseTo(all + embdRow + kv, within(1e-6));
        }
    }

    @Test
    void moeLayersCountOnlyTheExpertsATokenUses() throws Exception {
        SynthShape shape = new SynthShape("m", Architecture.LLAMA4, 1, 256, 4, 2, 64, 512, 1024, 2048, 500000f, 1e-5f,
                4, 1, 256, 1, false, false);
        Path p = dir.resolve("m.gguf");
        SyntheticModelWriter.write(SyntheticModel.plan(shape, GgmlType.Q8_0), p, 1, 1, null);
        try (ModelFile mf = ModelFile.open(p, List.of())) {
            long all = mf.gguf().tensorBytes();
            long experts = 0;
            for (GgufTensorInfo t : mf.gguf().tensors()) {
                if (t.name().contains("_exps")) {
                    experts += t.byteSize();
                }
            }
            long embdRow = GgmlType.Q8_0.rowSize(256);
            long embd = mf.gguf().tensor("token_embd.weight").byteSize();
            double expected = all - embd + embdRow - experts * 3 / 4.0;
            assertThat(DecodeTraffic.bytesPerToken(mf.model(), 0, KvCacheType.F16)).isCloseTo(expected, within(1e-6));
        }
    }
}
