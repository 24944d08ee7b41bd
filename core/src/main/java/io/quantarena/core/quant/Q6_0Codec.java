package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q6_0 (ik id 133), 32 elements in 26 bytes; y = (q − 32)·d. Not described in the spec's
 * prose: the layout and the quantizer below were inferred from the reference data
 * ({@code testdata/quant/Q6_0.*}) and match it byte for byte.
 *
 * <pre>
 * offset 0   d       fp16
 * offset 2   qh[8]   high 2 bits: element j (j = 0…15) in qh[j % 8] at bit 4·(j / 8),
 *                    element j+16 in qh[j % 8] at bit 4·(j / 8) + 2
 * offset 10  qs[16]  low 4 bits: low nibble element j, high nibble element j+16 (as Q4_0)
 * </pre>
 *
 * Quantizer: unlike Q5_0 there is no truncating "reference" rounding path. Both with and
 * without imatrix the scale comes from {@code make_qx_quants(32, 32, …)} (§2.2, with the ik
 * refinement): without imatrix on the default weights x², with imatrix on qw·√(σ²+x²) with
 * σ² = Σx²/ne0 over the row (as Q5_0's imatrix path). An all-zero block gives d = +0 and
 * all q = 0.
 */
public final class Q6_0Codec extends LegacyBlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q6_0;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = QuantMath.fp16At(src, p);
        for (int j = 0; j < 16; j++) {
            int h = QuantMath.u8(src, p + 2 + (j & 7)) >>> (4 * (j >>> 3));
            int q = QuantMath.u8(src, p + 10 + j);
            int lo = (q & 0x0F) | (h & 3) << 4;
            int hi = (q >>> 4) | ((h >>> 2) & 3) << 4;
            dst[o + j] = (lo - 32) * d;
            dst[o + j + 16] = (hi - 32) * d;
        }
    }

    @Override
    void quantizeLevels(float[] x, int x0, float[] w, Scratch s, byte[] block) {
        // without imatrix w is null: make_qx_quants then weighs by x²
        QuantMath.putFp16(block, 0, KQuantMath.makeQxQuants(QK, 32, x, x0, s.levels, 0, w, 0));
    }

    @Override
    void packLevels(int[] levels, byte[] block) {
        for (int j = 0; j < 16; j++) {
            int lo = levels[j];
            int hi = levels[j + 16];
            block[10 + j] = (byte) ((lo & 0x0F) | (hi & 0x0F) << 4);
            block[2 + (j & 7)] |= (byte) (((lo >>> 4) | (hi >>> 4) << 2) << (4 * (j >>> 3)));
        }
    }
}
