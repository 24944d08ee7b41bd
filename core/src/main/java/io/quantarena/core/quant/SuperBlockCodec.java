package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Common frame of the K-quant codecs (256-element super-blocks, no row meta): argument checks
 * (the shared {@link QuantArgs} ones, destination first), block-wise decoding and the dispatch
 * of spec/quant-types.md §10 (without imatrix the reference encoder runs once over the whole
 * chunk; with imatrix the weighted encoder runs row by row). Subclasses only see one
 * super-block at a time as a byte array.
 */
abstract sealed class SuperBlockCodec implements QuantCodec
        permits Q2KCodec, Q3KCodec, ScaleMinKCodec, Q6KCodec {

    static final int QK_K = 256;

    private final GgmlType type;

    SuperBlockCodec(GgmlType type) {
        this.type = type;
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    /** Decodes one super-block {@code b} into {@code dst[o .. o+256)}. */
    abstract void decodeBlock(byte[] b, float[] dst, int o);

    /**
     * Encodes super-block {@code x[xo .. xo+256)} into {@code out} (bytesPerBlock bytes).
     *
     * @param qw importance weights of the same 256 columns starting at {@code qo}, or null for
     *           the reference (unweighted) encoder
     */
    abstract void encodeBlock(float[] x, int xo, float[] qw, int qo, KQuantScratch s, byte[] out);

    /**
     * Hook for encoders whose reference path looks at the whole chunk before encoding blocks
     * (Q2_K's TriNet test). Returns true when it has written all {@code nBlocks} itself.
     */
    boolean encodeChunkSpecialCase(float[] x, int xo, int nBlocks, MemorySegment dst, long dstOffset) {
        return false;
    }

    /** Copies each block out of the (typically memory-mapped) segment once, then decodes from the array. */
    @Override
    public void dequantizeRow(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        QuantArgs.checkDequantize(type, dst, dstOffset, n);
        int bpb = type.bytesPerBlock();
        byte[] block = new byte[bpb];
        for (int ib = 0; ib < n / QK_K; ib++) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcOffset + (long) ib * bpb, block, 0, bpb);
            decodeBlock(block, dst, dstOffset + ib * QK_K);
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int nrows, int nPerRow, float[] imatrix,
                         MemorySegment dst, long dstOffset) {
        QuantArgs.checkDestination(this, nrows, nPerRow, dst, dstOffset);
        int blocksPerRow = QuantArgs.checkQuantize(this, src, srcOffset, nrows, nPerRow, imatrix);
        int bpb = type.bytesPerBlock();
        KQuantScratch s = new KQuantScratch();
        byte[] out = new byte[bpb];
        if (imatrix == null) {
            int nBlocks = nrows * blocksPerRow;
            if (encodeChunkSpecialCase(src, srcOffset, nBlocks, dst, dstOffset)) {
                return;
            }
            for (int ib = 0; ib < nBlocks; ib++) {
                encodeBlock(src, srcOffset + ib * QK_K, null, 0, s, out);
                MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, dstOffset + (long) ib * bpb, bpb);
            }
        } else {
            for (int row = 0; row < nrows; row++) {
                for (int ib = 0; ib < blocksPerRow; ib++) {
                    int xo = srcOffset + row * nPerRow + ib * QK_K;
                    encodeBlock(src, xo, imatrix, ib * QK_K, s, out);
                    long at = dstOffset + ((long) row * blocksPerRow + ib) * bpb;
                    MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, at, bpb);
                }
            }
        }
    }

    /**
     * Imatrix weights of the super-block at {@code x[xo]} (§2.1) into {@code s.weights[0..256)}:
     * w = qw·√(σ² + x²) with σ² = sigmaFactor·Σx²/256, Σx² a plain ordered sum and x² fused into
     * the add (recipe R2, §1.1); the plain sum of each {@code subBlock}-element group's weights
     * into {@code s.sumWeights}.
     */
    static void imatrixWeights(float[] x, int xo, float[] qw, int qo, float sigmaFactor, int subBlock,
                               KQuantScratch s) {
        float sigma2 = sigmaFactor * QuantMath.sumOfSquares(x, xo, QK_K) / QK_K;
        QuantMath.sigmaWeights(x, xo, qw, qo, sigma2, true, s.weights, QK_K);
        for (int j = 0; j < QK_K / subBlock; j++) {
            float sw = 0;
            for (int l = 0; l < subBlock; l++) {
                sw += s.weights[subBlock * j + l];
            }
            s.sumWeights[j] = sw;
        }
    }

    /**
     * The 2-bit quant layout of Q2_K and Q3_K (low bits): 256 levels 0…3 into 64 bytes at
     * {@code out[at]}, element 128h + 32p + l in bits 2p of byte 32h + l.
     */
    static void pack2BitLevels(int[] levels, byte[] out, int at) {
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int e = 128 * h + l;
                out[at + 32 * h + l] = (byte) (levels[e] | (levels[e + 32] << 2) | (levels[e + 64] << 4)
                        | (levels[e + 96] << 6));
            }
        }
    }

    /** Little-endian fp16 at {@code b[o]} as float. */
    static float fp16At(byte[] b, int o) {
        return QuantMath.fp16ToFloat((short) ((b[o] & 0xFF) | (b[o + 1] << 8)));
    }
}
