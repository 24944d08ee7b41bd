package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;

/** Q8_K is not stored in files (no reference bytes): round trip and internal consistency, spec §6.6. */
class Q8KCodecTest {

    @ParameterizedTest
    @EnumSource(Q8KCodec.Rounding.class)
    void roundTripErrorIsAtMostHalfAStepAndBlockFieldsAreConsistent(Q8KCodec.Rounding rounding) {
        Q8KCodec codec = new Q8KCodec(rounding);
        float[] x = ReferenceManifest.src();
        int rows = ReferenceManifest.get().rows();
        int cols = ReferenceManifest.get().cols();
        byte[] out = new byte[rows * Q8KCodec.BLOCK_BYTES];
        MemorySegment seg = MemorySegment.ofArray(out);
        codec.quantize(x, 0, rows, cols, null, seg, 0);
        float[] y = new float[cols];
        for (int r = 0; r < rows; r++) {
            long p = (long) r * Q8KCodec.BLOCK_BYTES;
            codec.dequantizeRow(seg, p, y, 0, cols);
            float d = seg.get(QuantMath.LE_FLOAT, p);
            float max = QuantMath.signedMaxAbs(x, r * cols, cols);
            float amax = Math.abs(max);
            float expectedD = amax == 0 ? 0 : rounding == Q8KCodec.Rounding.RUNTIME ? amax / 127 : 1 / (-127f / max);
            assertThat(d).as("%s row %d: d", rounding, r).isEqualTo(expectedD);
            int total = 0;
            int maxQ = 0;
            for (int g = 0; g < 16; g++) {
                int s = 0;
                for (int j = 0; j < 16; j++) {
                    int q = seg.get(ValueLayout.JAVA_BYTE, p + Q8KCodec.OFF_QS + 16 * g + j);
                    s += q;
                    maxQ = Math.max(maxQ, Math.abs(q));
                }
                assertThat(seg.get(QuantMath.LE_SHORT, p + Q8KCodec.OFF_BSUMS + 2 * g)).as("%s row %d: bsums[%d]", rounding, r, g)
                        .isEqualTo((short) s);
                total += s;
            }
            assertThat(seg.get(QuantMath.LE_FLOAT, p + Q8KCodec.OFF_SUM)).as("%s row %d: sum = d·Σq", rounding, r)
                    .isEqualTo(d * total);
            assertThat(maxQ).as("%s row %d: largest |q|", rounding, r).isEqualTo(amax == 0 ? 0 : 127);
            for (int j = 0; j < cols; j++) {
                float err = Math.abs(y[j] - x[r * cols + j]);
                assertThat(err).as("%s row %d col %d: |y − x| (d = %s)", rounding, r, j, d)
                        .isLessThanOrEqualTo(Math.abs(d) * 0.5f * 1.0001f);
                assertThat(y[j]).as("%s row %d col %d: y = d·q", rounding, r, j)
                        .isEqualTo(d * seg.get(ValueLayout.JAVA_BYTE, p + Q8KCodec.OFF_QS + j));
            }
        }
    }

    @Test
    void theRegisteredCodecUsesTheReferenceRounding() {
        assertThat(((Q8KCodec) QuantCodecs.forType(GgmlType.Q8_K)).rounding()).isEqualTo(Q8KCodec.Rounding.REFERENCE);
    }
}
