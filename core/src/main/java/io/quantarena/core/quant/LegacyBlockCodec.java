package io.quantarena.core.quant;

/**
 * Encoder frame of the legacy 32-element formats Q4_0, Q4_1, Q5_0, Q5_1 and Q6_0 (spec §5):
 * with an imatrix the weights are qw·√(σ² + x²) with σ² the row's mean square and x² rounded
 * first (what the reference data needs); a subclass finds the levels and block header with its
 * reference or weighted search and packs the levels.
 */
abstract class LegacyBlockCodec extends BlockCodec {

    static final int QK = 32;

    /** Working arrays of one quantize call. */
    static final class Scratch {
        final int[] levels = new int[QK];
        final int[] aux = new int[QK];
        final float[] weights = new float[QK];
        final float[] negMin = new float[1];
    }

    /**
     * Finds the levels of the block at {@code x[x0 …]} (into {@code s.levels}) and writes the
     * block header (fp16 d, and m for the types with a minimum).
     *
     * @param w the imatrix weights of the block, or null for the reference quantizer
     */
    abstract void quantizeLevels(float[] x, int x0, float[] w, Scratch s, byte[] block);

    /** Packs the 32 levels behind the header of the (zeroed) block. */
    abstract void packLevels(int[] levels, byte[] block);

    /**
     * Q4_0 (zero = 8) and Q5_0 (zero = 16): levels 0…2·zero−1 from the reference rounding
     * quantizer, or with weights from {@code make_qx_quants(32, zero)}; writes d.
     */
    static void symmetricLevels(float[] x, int x0, float[] w, int zero, Scratch s, byte[] block) {
        float d = w == null
                ? LegacyReferenceQuantizer.symmetric(x, x0, QK, zero, s.levels)
                : KQuantMath.makeQxQuants(QK, zero, x, x0, s.levels, 0, w, 0);
        QuantMath.putFp16(block, 0, d);
    }

    /**
     * Q4_1 (nmax = 15) and Q5_1 (nmax = 31): levels 0…nmax from the reference min/max quantizer,
     * or with weights from {@code make_qkx3_quants(32, nmax)}; writes d and m.
     */
    static void levelsWithMin(float[] x, int x0, float[] w, int nmax, boolean capAtNmax, Scratch s, byte[] block) {
        if (w == null) {
            LegacyReferenceQuantizer.withMin(x, x0, QK, nmax, capAtNmax, block, s.levels);
        } else {
            float d = KQuantMath.makeQkx3Quants(QK, nmax, x, x0, w, 0, s.levels, 0, s.negMin, 0, s.aux,
                    -0.9f, 0.05f, 36);
            QuantMath.putFp16(block, 0, d);
            QuantMath.putFp16(block, 2, -s.negMin[0]);
        }
    }

    /**
     * The 5-bit layout of Q5_0 and Q5_1: low nibbles at {@code qsAt} (element j low, j+16 high),
     * bit 4 of element j in bit j of the uint32 at {@code qhAt}.
     */
    static void pack5BitLevels(int[] levels, byte[] block, int qhAt, int qsAt) {
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int lo = levels[j];
            int hi = levels[j + 16];
            block[qsAt + j] = (byte) ((lo & 0x0F) | (hi & 0x0F) << 4);
            qh |= (lo >>> 4) << j | (hi >>> 4) << (j + 16);
        }
        QuantMath.putIntLE(block, qhAt, qh);
    }

    @Override
    final BlockEncoder newEncoder() {
        Scratch s = new Scratch();
        return new BlockEncoder() {
            private float sigma2;

            @Override
            public void startRow(float[] x, int rowOff, int n, float[] qw) {
                sigma2 = qw != null ? QuantMath.sumOfSquares(x, rowOff, n) / n : 0;
            }

            @Override
            public void encode(float[] x, int x0, float[] qw, int qwOff, byte[] block) {
                float[] w = null;
                if (qw != null) {
                    QuantMath.sigmaWeights(x, x0, qw, qwOff, sigma2, false, s.weights, 0, QK);
                    w = s.weights;
                }
                quantizeLevels(x, x0, w, s, block);
                packLevels(s.levels, block);
            }
        };
    }
}
