package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Q8_0 (id 8): fp16 d + 32 int8, y = d·q (spec §5.1). The imatrix is ignored, as in ggml. */
public final class Q8_0Codec extends BlockCodec {

    private static final int QK = 32;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16At(src, p);
        for (int j = 0; j < QK; j++) {
            dst[o + j] = src.get(ValueLayout.JAVA_BYTE, p + 2 + j) * d;
        }
    }

    @Override
    BlockEncoder newEncoder() {
        return (x, x0, qw, qwOff, block) -> {
            float amax = QuantMath.maxAbs(x, x0, QK);
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            QuantMath.putFp16(block, 0, d);
            for (int j = 0; j < QK; j++) {
                block[2 + j] = (byte) QuantMath.roundHalfAwayFromZero(x[x0 + j] * id);
            }
        };
    }
}
