package io.quantarena.core.model;

/**
 * Hyper-parameters of a llama / llama4 model as ik_llama.cpp's loader derives them
 * (spec llama4.md §1, gguf.md §7.2), after {@code --override-kv}.
 *
 * @param headDim        key/value head dimension (= rope dimension count)
 * @param nFf            dense FFN width
 * @param nFfExp         routed / shared expert width (llama4)
 * @param moeLayerStep   llama4 {@code interleave_moe_layer_step}; 0 for llama
 * @param freqScale      RoPE frequency scale (1 / rope.scaling.factor)
 * @param useKqNorm      llama4 weightless RMS norm of q and k on RoPE layers
 */
public record HyperParams(
        Architecture arch,
        int nLayer,
        int nEmbd,
        int nHead,
        int nHeadKv,
        int headDim,
        int nFf,
        int nFfExp,
        int nExpert,
        int nExpertUsed,
        int moeLayerStep,
        float ropeFreqBase,
        float freqScale,
        float rmsEps,
        int nCtxTrain,
        int nVocab,
        boolean useKqNorm) {

    /** Layers with (il+1) % 4 == 0 skip RoPE in llama4. */
    public static final int LLAMA4_NO_ROPE_STEP = 4;
    /** Chunk length of llama4's chunked attention on RoPE layers. */
    public static final int LLAMA4_ATTN_CHUNK = 8192;
    public static final float LLAMA4_TEMP_FLOOR_SCALE = 8192f;
    public static final float LLAMA4_TEMP_SCALE = 0.1f;

    /** Reads the hyper-parameters; {@code nVocab} comes from the caller (vocabulary or output tensor). */
    public static HyperParams read(ModelMetadata md, int nVocabFallback) {
        Architecture arch = Architecture.fromGguf(md.string("general.architecture"));
        String p = arch.ggufName() + ".";
        int nLayer = (int) md.integer(p + "block_count");
        int nEmbd = (int) md.integer(p + "embedding_length");
        int nCtxTrain = (int) md.integer(p + "context_length");
        int nHead = (int) md.perLayer(p + "attention.head_count", 0, 0);
        int nHeadKv = (int) md.perLayer(p + "attention.head_count_kv", 0, nHead);
        for (int il = 1; il < nLayer; il++) {
            if (md.perLayer(p + "attention.head_count", il, nHead) != nHead
                    || md.perLayer(p + "attention.head_count_kv", il, nHeadKv) != nHeadKv) {
                throw new IllegalArgumentException("per-layer head counts that vary between layers are not supported (layer " + il + ")");
            }
        }
        if (nHead <= 0) {
            throw new IllegalArgumentException(p + "attention.head_count is " + nHead + ", expected > 0");
        }
        if (nHeadKv <= 0 || nHead % nHeadKv != 0) {
            throw new IllegalArgumentException(p + "attention.head_count_kv is " + nHeadKv
                    + ", expected a divisor of head_count " + nHead);
        }
        int keyLength = (int) md.integer(p + "attention.key_length", nEmbd / nHead);
        int valueLength = (int) md.integer(p + "attention.value_length", nEmbd / nHead);
        if (keyLength != valueLength) {
            throw new IllegalArgumentException("key_length " + keyLength + " != value_length " + valueLength + " is not supported");
        }
        int nRot = (int) md.integer(p + "rope.dimension_count", keyLength);
        if (nRot != keyLength) {
            throw new IllegalArgumentException(p + "rope.dimension_count is " + nRot + ", expected key_length " + keyLength);
        }
        int nFf = (int) md.perLayer(p + "feed_forward_length", 0, 0);
        int nExpert = (int) md.integer(p + "expert_count", 0);
        int nExpertUsed = (int) md.integer(p + "expert_used_count", 0);
        if (nExpert > 0 && (nExpertUsed <= 0 || nExpertUsed > nExpert)) {
            throw new IllegalArgumentException(p + "expert_used_count is " + nExpertUsed + ", expected 1.." + nExpert);
        }
        if (nExpert == 0 && nExpertUsed != 0) {
            throw new IllegalArgumentException(p + "expert_used_count is " + nExpertUsed + " but the model has no experts");
        }
        int nFfExp = 0;
        int moeStep = 0;
        if (arch == Architecture.LLAMA4) {
            nFfExp = (int) md.integer(p + "expert_feed_forward_length");
            moeStep = (int) md.integer(p + "interleave_moe_layer_step");
            if (moeStep <= 0) {
                throw new IllegalArgumentException(p + "interleave_moe_layer_step is " + moeStep + ", expected > 0");
            }
        } else if (nExpert > 0) {
            nFfExp = (int) md.integer(p + "expert_feed_forward_length", nFf);
        }
        float base = (float) md.real(p + "rope.freq_base", 10000.0);
        double factor = md.real(p + "rope.scaling.factor", md.real(p + "rope.scale_linear", 0.0));
        float freqScale = factor == 0.0 ? 1.0f : (float) (1.0 / factor);
        float eps = (float) md.real(p + "attention.layer_norm_rms_epsilon");
        int nVocab = (int) md.integer(p + "vocab_size", nVocabFallback);
        boolean kqNorm = arch == Architecture.LLAMA4 && nExpert != 128;
        return new HyperParams(arch, nLayer, nEmbd, nHead, nHeadKv, keyLength, nFf, nFfExp, nExpert, nExpertUsed,
                moeStep, base, freqScale, eps, nCtxTrain, nVocab, kqNorm);
    }

    public int qDim() {
        return nHead * headDim;
    }

    public int kvDim() {
        return nHeadKv * headDim;
    }

    /** Whether layer {@code il} applies RoPE (all llama layers; llama4 all but every 4th). */
    public boolean usesRope(int il) {
        return arch != Architecture.LLAMA4 || (il + 1) % LLAMA4_NO_ROPE_STEP != 0;
    }

    /** llama4 RoPE layers use the chunked causal mask; everything else the full causal mask. */
    public boolean usesChunkedAttention(int il) {
        return arch == Architecture.LLAMA4 && usesRope(il);
    }

    /** Whether layer {@code il} has a routed-expert FFN. */
    public boolean isMoeLayer(int il) {
        if (nExpert == 0) {
            return false;
        }
        return arch != Architecture.LLAMA4 || (il + 1) % moeLayerStep == 0;
    }
}
