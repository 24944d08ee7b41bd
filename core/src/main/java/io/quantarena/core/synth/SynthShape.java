package io.quantarena.core.synth;

import io.quantarena.core.model.Architecture;

import java.util.List;
import java.util.Locale;

/**
 * The dimensions of a synthetic model. Two named shapes: {@code 1b}, Llama-3.2-1B (llama), and
 * {@code 8b-moe}, a Llama-4-style mixture of experts of about 8B parameters (see
 * {@link #LLAMA4_8B_MOE}). {@link #withLayers} and {@link #withVocab} shrink a shape for quick tests.
 *
 * @param name        the shape's name on the command line
 * @param nFf         dense FFN width (llama4: written as {@code feed_forward_length}, used by dense layers)
 * @param nExpert     routed experts (0: dense model)
 * @param nFfExp      expert and shared-expert FFN width (llama4)
 * @param moeStep     llama4 {@code interleave_moe_layer_step} (1: every layer MoE)
 * @param tiedOutput  no {@code output.weight}: the token embedding is the LM head
 * @param ropeScaling llama-3-style {@code rope_freqs} (factor 32, low 1, high 4, original context 8192)
 */
public record SynthShape(String name, Architecture arch, int nLayer, int nEmbd, int nHead, int nHeadKv, int headDim,
                         int nFf, int nVocab, int nCtxTrain, float ropeBase, float rmsEps, int nExpert,
                         int nExpertUsed, int nFfExp, int moeStep, boolean tiedOutput, boolean ropeScaling) {

    /**
     * Llama-3.2-1B: 16 layers, n_embd 2048, 32 heads / 8 KV heads of 64, FFN 8192, vocabulary
     * 128256 with tied embeddings, RoPE base 500000 with llama-3 scaling; 1.24B parameters.
     */
    public static final SynthShape LLAMA_1B = new SynthShape("1b", Architecture.LLAMA, 16, 2048, 32, 8, 64, 8192,
            128256, 131072, 500000f, 1e-5f, 0, 0, 0, 0, true, true);

    /**
     * A Llama-4-Scout-style MoE scaled to about 8B parameters (7.85B, 1.4B active per token):
     * 16 layers, every one MoE ({@code interleave_moe_layer_step} 1), n_embd 2048, 16 heads / 4 KV
     * heads of 128, 16 routed experts of width 4096 with top-1 routing plus a shared expert of the
     * same width, vocabulary 202048 with a separate output matrix, RoPE base 500000 with llama-3
     * scaling, Q/K norm on (as for every llama4 model without 128 experts).
     */
    public static final SynthShape LLAMA4_8B_MOE = new SynthShape("8b-moe", Architecture.LLAMA4, 16, 2048, 16, 4, 128,
            8192, 202048, 262144, 500000f, 1e-5f, 16, 1, 4096, 1, false, true);

    public static final List<SynthShape> NAMED = List.of(LLAMA_1B, LLAMA4_8B_MOE);

    public SynthShape {
        if (nLayer <= 0 || nEmbd <= 0 || nHead <= 0 || nHeadKv <= 0 || nHead % nHeadKv != 0 || headDim <= 0
                || headDim % 2 != 0 || nFf <= 0 || nVocab <= 0) {
            throw new IllegalArgumentException("shape " + name + " has invalid dimensions: " + this);
        }
        if (nExpert > 0 && (nExpertUsed <= 0 || nExpertUsed > nExpert || nFfExp <= 0)) {
            throw new IllegalArgumentException("shape " + name + ": " + nExpertUsed + " of " + nExpert
                    + " experts of width " + nFfExp + " is not a valid MoE");
        }
        if (arch == Architecture.LLAMA4 && (nExpert == 0 || moeStep <= 0)) {
            throw new IllegalArgumentException("shape " + name + ": llama4 needs experts and interleave_moe_layer_step > 0");
        }
    }

    /** A named shape: {@code 1b} or {@code 8b-moe}. */
    public static SynthShape byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (SynthShape s : NAMED) {
            if (s.name.equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + name + "' (expected "
                + String.join(" or ", NAMED.stream().map(SynthShape::name).toList()) + ")");
    }

    public SynthShape withLayers(int layers) {
        return new SynthShape(name, arch, layers, nEmbd, nHead, nHeadKv, headDim, nFf, nVocab, nCtxTrain, ropeBase,
                rmsEps, nExpert, nExpertUsed, nFfExp, moeStep, tiedOutput, ropeScaling);
    }

    public SynthShape withVocab(int vocab) {
        return new SynthShape(name, arch, nLayer, nEmbd, nHead, nHeadKv, headDim, nFf, vocab, nCtxTrain, ropeBase,
                rmsEps, nExpert, nExpertUsed, nFfExp, moeStep, tiedOutput, ropeScaling);
    }

    public int qDim() {
        return nHead * headDim;
    }

    public int kvDim() {
        return nHeadKv * headDim;
    }

    /** Whether layer {@code il} has routed experts (llama4: every {@code moeStep}-th layer). */
    public boolean isMoeLayer(int il) {
        return nExpert > 0 && (arch != Architecture.LLAMA4 || (il + 1) % moeStep == 0);
    }
}
