package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The float, legacy 32-element and IQ4 codecs: registered, and (stricter than the generic 99 %
 * acceptance in {@link ReferenceVectorsTest}) byte-identical to every reference block.
 */
class LegacyFormatsTest {

    enum WithData { F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q6_0, IQ4_NL, IQ4_XS }

    @Test
    void allFormatsOfThisFamilyAreRegistered() {
        for (GgmlType t : List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q4_1,
                GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q6_0, GgmlType.IQ4_NL, GgmlType.IQ4_XS,
                GgmlType.Q8_K)) {
            assertThat(QuantCodecs.isSupported(t)).as("%s registered", t).isTrue();
            assertThat(QuantCodecs.forType(t).type()).as("%s codec type", t).isEqualTo(t);
            assertThat(QuantCodecs.forType(t).requiresImatrix()).as("%s requires imatrix", t).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(WithData.class)
    void everyReferenceBlockIsReproducedExactly(WithData which) {
        GgmlType type = GgmlType.valueOf(which.name());
        ReferenceManifest manifest = ReferenceManifest.get();
        ReferenceManifest.TypeEntry entry = manifest.types().get(which.name());
        assertThat(entry).as("%s in manifest", type).isNotNull();
        QuantCodec codec = QuantCodecs.forType(type);
        List<String> failures = new ArrayList<>();
        for (ReferenceManifest.Case c : entry.cases().values()) {
            assertThat(c.hasData()).as("%s %s has reference data", type, c.variant()).isTrue();
            BlockDiff diff = BlockDiff.of(type, manifest.rows(), manifest.cols(), c.quantizedBytes(),
                    CodecRoundTrip.encodeReference(codec, c));
            if (!diff.blockDiffs().isEmpty()) {
                failures.add(c.variant() + ": " + diff.describe());
            }
        }
        assertThat(failures).as("%s encodings differing from the reference", type).isEmpty();
    }

    /** Row-by-row calls at odd offsets give the chunk's bytes and values (these types are row-local). */
    @ParameterizedTest
    @EnumSource(WithData.class)
    void rowsAtOffsetsEncodeAndDecodeAsTheWholeChunk(WithData which) {
        GgmlType type = GgmlType.valueOf(which.name());
        QuantCodec codec = QuantCodecs.forType(type);
        ReferenceManifest manifest = ReferenceManifest.get();
        int rows = manifest.rows();
        int cols = manifest.cols();
        int rowBytes = (int) codec.rowSize(cols);
        for (ReferenceManifest.Case c : manifest.types().get(which.name()).cases().values()) {
            byte[] chunk = CodecRoundTrip.encodeReference(codec, c);
            int pad = 7;
            byte[] single = new byte[pad + chunk.length];
            MemorySegment seg = MemorySegment.ofArray(single);
            float[] fromChunk = new float[cols];
            float[] fromSingle = new float[cols + 3];
            for (int r = 0; r < rows; r++) {
                codec.quantize(ReferenceManifest.src(), r * cols, 1, cols, c.imatrixOrNull(), seg,
                        pad + (long) r * rowBytes);
                codec.dequantizeRow(MemorySegment.ofArray(chunk), (long) r * rowBytes, fromChunk, 0, cols);
                codec.dequantizeRow(seg, pad + (long) r * rowBytes, fromSingle, 3, cols);
                assertThat(java.util.Arrays.copyOfRange(fromSingle, 3, 3 + cols))
                        .as("%s %s row %d decoded at offsets", type, c.variant(), r).containsExactly(fromChunk);
            }
            assertThat(java.util.Arrays.copyOfRange(single, pad, single.length))
                    .as("%s %s rows encoded one by one at offset %d", type, c.variant(), pad).isEqualTo(chunk);
        }
    }

    @Test
    void f32CopiesBitsBothWays() {
        QuantCodec codec = QuantCodecs.forType(GgmlType.F32);
        float[] x = {1.5f, -0.0f, Float.NaN, Float.intBitsToFloat(0x7FC00123), Float.MIN_VALUE, -Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, 3.25e-20f};
        byte[] bytes = new byte[4 * x.length];
        codec.quantize(x, 0, 2, 4, null, MemorySegment.ofArray(bytes), 0);
        float[] back = new float[x.length];
        codec.dequantizeRow(MemorySegment.ofArray(bytes), 0, back, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            int bits = Float.floatToRawIntBits(x[i]);
            assertThat(Float.floatToRawIntBits(back[i])).as("F32 element %d", i).isEqualTo(bits);
            assertThat(bytes[4 * i] & 0xFF).as("F32 element %d is little-endian", i).isEqualTo(bits & 0xFF);
        }
    }

    @Test
    void f16AndBf16WriteCanonicalNaNAndSaturateToInfinity() {
        byte[] out = new byte[8];
        float[] x = {Float.intBitsToFloat(0xFFC00001), 1e6f, -1e6f, 65504f};
        QuantCodecs.forType(GgmlType.F16).quantize(x, 0, 1, 4, null, MemorySegment.ofArray(out), 0);
        MemorySegment seg = MemorySegment.ofArray(out);
        assertThat(seg.get(QuantMath.LE_SHORT, 0)).as("F16 NaN").isEqualTo((short) 0x7E00);
        assertThat(seg.get(QuantMath.LE_SHORT, 2)).as("F16 +overflow").isEqualTo((short) 0x7C00);
        assertThat(seg.get(QuantMath.LE_SHORT, 4)).as("F16 -overflow").isEqualTo((short) 0xFC00);
        assertThat(seg.get(QuantMath.LE_SHORT, 6)).as("F16 max finite").isEqualTo((short) 0x7BFF);

        QuantCodecs.forType(GgmlType.BF16).quantize(x, 0, 1, 4, null, seg, 0);
        short nan = seg.get(QuantMath.LE_SHORT, 0);
        assertThat(Float.isNaN(QuantMath.bf16ToFloat(nan))).as("BF16 NaN stays NaN").isTrue();
        assertThat(nan & 0x0040).as("BF16 NaN is quiet").isNotZero();
    }
}
