package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decodes the IQ4_KS and IQ5_K tensors of the reference tool's tiny-llama4 IQ4_KS quant straight
 * from the memory-mapped file (multi-row, 3-D expert stacks, float32 row scales at unaligned
 * offsets) and compares them with the BF16 originals. The reference used an importance matrix we
 * do not have, so bytes cannot be compared; the error must be that of a correct decode, and our
 * own quantization of blk.0 (without imatrix) must come close to it.
 */
class IqkReferenceQuantFileTest {

    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Relative RMSE bounds of a correct decode (measured about 0.07–0.08 for IQ4_KS, 0.032–0.034 for IQ5_K). */
    private static final Map<GgmlType, Double> MAX_RELATIVE_RMSE = Map.of(GgmlType.IQ4_KS, 0.085, GgmlType.IQ5_K, 0.037);

    @Test
    void referenceTensorsDecodeCloseToTheirBf16Originals() throws IOException {
        try (GgufFile quant = GgufFile.open(SharedAssets.path("reference/quants/tiny-llama4-ik-iq4_ks.gguf"));
             GgufFile original = GgufFile.open(SharedAssets.path("models/tiny-llama4-bf16.gguf"))) {
            int checked = 0;
            for (GgufTensorInfo t : quant.tensors()) {
                GgmlType type = t.type();
                MemorySegment data = quant.tensorData(t);
                if (!MAX_RELATIVE_RMSE.containsKey(type)) {
                    continue;
                }
                QuantCodec codec = QuantCodecs.forType(type);
                int n = (int) t.ne()[0];
                int rows = (int) t.rowCount();
                float[] src = bf16Tensor(original, t.name(), n * rows);
                float[] decoded = new float[n * rows];
                long rowBytes = codec.rowSize(n);
                for (int r = 0; r < rows; r++) {
                    codec.dequantizeRow(data, r * rowBytes, decoded, r * n, n);
                }
                double relative = QuantReferenceData.rmse(decoded, src) / rms(src);
                assertThat(relative).as("%s (%s) relative RMSE of the reference quant", t.name(), type)
                        .isLessThan(MAX_RELATIVE_RMSE.get(type));

                if (t.name().startsWith("blk.0.")) {
                    byte[] ours = new byte[(int) rowBytes * rows];
                    codec.quantize(src, 0, rows, n, null, MemorySegment.ofArray(ours), 0);
                    double oursRelative = QuantReferenceData.rmse(IqkReferenceTest.decodeAll(codec, ours, rows, n), src)
                            / rms(src);
                    assertThat(oursRelative).as("%s (%s) relative RMSE of our quantization", t.name(), type)
                            .isBetween(relative * 0.9, relative * 1.1);
                }
                checked++;
            }
            assertThat(checked).as("IQ4_KS / IQ5_K tensors in the reference quant").isEqualTo(80);
        }
    }

    private static float[] bf16Tensor(GgufFile file, String name, int count) {
        GgufTensorInfo t = file.tensor(name);
        assertThat(t.type()).isEqualTo(GgmlType.BF16);
        MemorySegment data = file.tensorData(t);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = Float.intBitsToFloat((data.get(SHORT_LE, 2L * i) & 0xFFFF) << 16);
        }
        return out;
    }

    private static double rms(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        return Math.sqrt(s / x.length);
    }
}
