package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q8_K (id 15), the activation format of the K-quant dot products; never stored in model
 * files (spec §6.6). 296 bytes per 256 elements:
 * d (float32), sum (float32, = d·Σq, ik addition), qs[256] (int8), bsums[16] (int16, Σ of
 * each 16 consecutive qs). y = d·q.
 *
 * <p>Two roundings exist in ik: {@link Rounding#REFERENCE} ({@code quantize_row_q8_K_ref}:
 * iscale = −127/max, q = min(127, nearest_int(iscale·x)), d = 1/iscale) and
 * {@link Rounding#RUNTIME} (the AVX2 {@code iqk_quantize_row_q8_K} used for activations at run
 * time: d = amax/127, q = round-half-even(x·(127/amax))).
 */
public final class Q8KCodec extends BlockCodec {

    /** Which ik routine's rounding to reproduce. */
    public enum Rounding { REFERENCE, RUNTIME }

    public static final int QK = 256;
    public static final int BLOCK_BYTES = 296;
    static final int OFF_SUM = 4;
    static final int OFF_QS = 8;
    static final int OFF_BSUMS = 264;

    private final Rounding rounding;

    /** The reference rounding (what {@code ggml_quantize_chunk}'s type traits name). */
    public Q8KCodec() {
        this(Rounding.REFERENCE);
    }

    public Q8KCodec(Rounding rounding) {
        this.rounding = rounding;
    }

    public Rounding rounding() {
        return rounding;
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_K;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = src.get(QuantMath.LE_FLOAT, p);
        for (int j = 0; j < QK; j++) {
            dst[o + j] = d * src.get(ValueLayout.JAVA_BYTE, p + OFF_QS + j);
        }
    }

    /** The imatrix is ignored (activations have none). */
    @Override
    BlockEncoder newEncoder() {
        return (x, x0, qw, qwOff, block) -> quantizeBlock(x, x0, rounding, block);
    }

    /** Quantizes 256 values at {@code x[x0]} into one 296-byte block. */
    public static void quantizeBlock(float[] x, int x0, Rounding rounding, byte[] block) {
        float max = QuantMath.signedMaxAbs(x, x0, QK);
        float amax = Math.abs(max);
        float d;
        if (amax == 0) {
            d = 0;
            for (int j = 0; j < QK; j++) {
                block[OFF_QS + j] = 0;
            }
        } else if (rounding == Rounding.REFERENCE) {
            float iscale = -127f / max;
            for (int j = 0; j < QK; j++) {
                block[OFF_QS + j] = (byte) Math.min(127, QuantMath.nearestIntOfProduct(iscale, x[x0 + j]));
            }
            d = 1 / iscale;
        } else {
            float id = 127f / amax;
            for (int j = 0; j < QK; j++) {
                block[OFF_QS + j] = (byte) QuantMath.nearestInt(x[x0 + j] * id);
            }
            d = amax / 127f;
        }
        int total = 0;
        for (int g = 0; g < QK / 16; g++) {
            int s = 0;
            for (int j = 0; j < 16; j++) {
                s += block[OFF_QS + 16 * g + j];
            }
            total += s;
            QuantMath.putShortLE(block, OFF_BSUMS + 2 * g, (short) s);
        }
        QuantMath.putFloatLE(block, 0, d);
        QuantMath.putFloatLE(block, OFF_SUM, d * total);
    }
}
