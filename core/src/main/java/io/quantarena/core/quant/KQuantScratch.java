package io.quantarena.core.quant;

/**
 * Per-call working arrays of the K-quant encoders, sized for one super-block, so that encoding
 * allocates nothing per block (one instance per {@code quantize} call keeps codecs stateless).
 */
final class KQuantScratch {
    /** Per-element weights of the current sub-block (or super-block). */
    final float[] weights = new float[256];
    /** Levels of the whole super-block. */
    final int[] levels = new int[256];
    /** Candidate levels of one sub-block. */
    final int[] aux = new int[32];
    final float[] scales = new float[16];
    final float[] mins = new float[16];
    /** Sum of weights per sub-block. */
    final float[] sumWeights = new float[16];
    final int[] scaleLevels = new int[16];
    final int[] minLevels = new int[16];
}
