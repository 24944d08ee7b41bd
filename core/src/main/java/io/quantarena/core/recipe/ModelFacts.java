package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufMetadata;
import io.quantarena.core.gguf.GgufTensorInfo;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model properties llama-quantize's type rules look at (spec/quantize-tool.md §4.2).
 *
 * @param arch           {@code general.architecture}
 * @param nLayer         {@code <arch>.block_count} (else highest {@code blk.N} + 1)
 * @param nHead          attention heads of layer 0
 * @param nHeadKv        KV heads of layer 0 (defaults to nHead)
 * @param nExpert        {@code <arch>.expert_count}, 0 for dense models
 * @param nVocab         vocabulary size
 * @param hasOutput      the model has a tensor named exactly {@code output.weight}
 * @param nAttentionWv   tensors whose name contains {@code attn_v.weight} or {@code attn_qkv.weight}
 */
public record ModelFacts(String arch, int nLayer, int nHead, int nHeadKv, int nExpert, long nVocab, boolean hasOutput,
                         int nAttentionWv) {

    private static final Pattern LAYER = Pattern.compile("^blk\\.(\\d+)\\.");

    /** Reads the facts from a model's metadata and tensor list. */
    public static ModelFacts of(GgufMetadata md, List<GgufTensorInfo> tensors) {
        String arch = md.findString("general.architecture").orElse("");
        int nLayer = md.findInt(arch + ".block_count").orElseGet(() -> highestLayer(tensors) + 1);
        int nHead = nLayer > 0 && md.has(arch + ".attention.head_count") ? md.getPerLayerInts(arch + ".attention.head_count", nLayer)[0] : 0;
        int nHeadKv = nLayer > 0 && md.has(arch + ".attention.head_count_kv")
                ? md.getPerLayerInts(arch + ".attention.head_count_kv", nLayer)[0] : nHead;
        int nExpert = md.getInt(arch + ".expert_count", 0);
        long nVocab = md.findLong(arch + ".vocab_size").orElseGet(() -> md.has("tokenizer.ggml.tokens")
                ? md.getStringArray("tokenizer.ggml.tokens").size()
                : tensors.stream().filter(t -> t.name().equals("token_embd.weight")).mapToLong(t -> t.ne(1)).findFirst().orElse(0));
        boolean hasOutput = tensors.stream().anyMatch(t -> t.name().equals("output.weight"));
        int nAttentionWv = (int) tensors.stream().filter(t -> t.name().contains("attn_v.weight") || t.name().contains("attn_qkv.weight")).count();
        return new ModelFacts(arch, nLayer, nHead, nHeadKv, nExpert, nVocab, hasOutput, nAttentionWv);
    }

    private static int highestLayer(List<GgufTensorInfo> tensors) {
        int max = -1;
        for (GgufTensorInfo t : tensors) {
            int l = layerOf(t.name());
            max = Math.max(max, l);
        }
        return max;
    }

    /** The N of a {@code blk.N.} name, or -1. */
    static int layerOf(String name) {
        Matcher m = LAYER.matcher(name);
        if (!m.find()) {
            return -1;
        }
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** n_head / n_head_kv, at least 1. */
    public int nGqa() {
        return nHeadKv > 0 ? Math.max(1, nHead / nHeadKv) : 1;
    }

    public boolean isFalcon() {
        return arch.equals("falcon");
    }

    /** llama's 70B size class: 80 layers (the rules also ask for GQA separately). */
    boolean is70B() {
        return arch.equals("llama") && nLayer == 80;
    }

    /** llama's 8B size class (Llama-3 8B: 32 layers, 128k vocabulary). */
    boolean is8B() {
        return arch.equals("llama") && nLayer == 32 && nVocab >= 127999;
    }
}
