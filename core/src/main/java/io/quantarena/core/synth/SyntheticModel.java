package io.quantarena.core.synth;

import io.quantarena.core.gguf.GgufValue;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.model.Architecture;
import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.tokenizer.SyntheticVocabulary;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a synthetic model file holds: the GGUF metadata of a {@link SynthShape} (hyper-parameters
 * and a {@link SyntheticVocabulary}) and its tensors in llama.cpp's order, every matrix in one
 * weight type; norms, {@code rope_freqs} and the MoE router stay F32 as llama-quantize keeps them.
 */
public final class SyntheticModel {

    /** Standard deviation of the random weights: the usual initialisation scale of LLM matrices. */
    public static final float WEIGHT_SIGMA = 0.02f;

    private final SynthShape shape;
    private final GgmlType type;
    private final Map<String, GgufValue> metadata;
    private final List<SyntheticTensor> tensors;

    private SyntheticModel(SynthShape shape, GgmlType type, Map<String, GgufValue> metadata,
                           List<SyntheticTensor> tensors) {
        this.shape = shape;
        this.type = type;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** Plans the model of {@code shape} with all matrices in {@code type}. */
    public static SyntheticModel plan(SynthShape shape, GgmlType type) {
        List<SyntheticTensor> ts = tensors(shape, type);
        for (SyntheticTensor t : ts) {
            if (t.ne()[0] % t.type().blockSize() != 0) {
                throw new IllegalArgumentException("tensor " + t.name() + " has rows of " + t.ne()[0] + " elements, not a multiple of the "
                        + t.type().typeName() + " block size " + t.type().blockSize());
            }
        }
        return new SyntheticModel(shape, type, metadata(shape, type), Collections.unmodifiableList(ts));
    }

    public SynthShape shape() {
        return shape;
    }

    public GgmlType type() {
        return type;
    }

    public Map<String, GgufValue> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    public List<SyntheticTensor> tensors() {
        return tensors;
    }

    public long parameterCount() {
        return tensors.stream().mapToLong(SyntheticTensor::elements).sum();
    }

    public long tensorBytes() {
        return tensors.stream().mapToLong(SyntheticTensor::byteSize).sum();
    }

    /** llama.cpp's {@code rope_freqs} divisors for llama-3 scaling (spec llama4.md §3). */
    static float[] llama3RopeFreqs(int headDim, float base) {
        double factor = 32, low = 1, high = 4, oldCtx = 8192;
        double lowWavelen = oldCtx / low;
        double highWavelen = oldCtx / high;
        float[] f = new float[headDim / 2];
        for (int i = 0; i < f.length; i++) {
            double freq = 1.0 / Math.pow(base, 2.0 * i / headDim);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                f[i] = 1f;
            } else if (wavelen > lowWavelen) {
                f[i] = (float) factor;
            } else {
                double smooth = (oldCtx / wavelen - low) / (high - low);
                f[i] = (float) (1.0 / ((1 - smooth) / factor + smooth));
            }
        }
        return f;
    }

    private static List<SyntheticTensor> tensors(SynthShape s, GgmlType type) {
        List<SyntheticTensor> ts = new ArrayList<>();
        long e = s.nEmbd();
        ts.add(matrix("token_embd.weight", type, e, s.nVocab()));
        if (s.ropeScaling()) {
            ts.add(new SyntheticTensor("rope_freqs.weight", new long[]{s.headDim() / 2}, GgmlType.F32,
                    SyntheticTensor.Fill.ROPE_FREQS));
        }
        for (int il = 0; il < s.nLayer(); il++) {
            String p = "blk." + il + ".";
            ts.add(norm(p + "attn_norm.weight", e));
            ts.add(matrix(p + "attn_q.weight", type, e, s.qDim()));
            ts.add(matrix(p + "attn_k.weight", type, e, s.kvDim()));
            ts.add(matrix(p + "attn_v.weight", type, e, s.kvDim()));
            ts.add(matrix(p + "attn_output.weight", type, s.qDim(), e));
            ts.add(norm(p + "ffn_norm.weight", e));
            if (s.isMoeLayer(il)) {
                long ff = s.nFfExp();
                long ne = s.nExpert();
                ts.add(matrix(p + "ffn_gate_inp.weight", GgmlType.F32, e, ne));
                ts.add(new SyntheticTensor(p + "ffn_gate_exps.weight", new long[]{e, ff, ne}, type, SyntheticTensor.Fill.GAUSSIAN));
                ts.add(new SyntheticTensor(p + "ffn_up_exps.weight", new long[]{e, ff, ne}, type, SyntheticTensor.Fill.GAUSSIAN));
                ts.add(new SyntheticTensor(p + "ffn_down_exps.weight", new long[]{ff, e, ne}, type, SyntheticTensor.Fill.GAUSSIAN));
                if (s.arch() == Architecture.LLAMA4) {
                    ts.add(matrix(p + "ffn_gate_shexp.weight", type, e, ff));
                    ts.add(matrix(p + "ffn_up_shexp.weight", type, e, ff));
                    ts.add(matrix(p + "ffn_down_shexp.weight", type, ff, e));
                }
            } else {
                ts.add(matrix(p + "ffn_gate.weight", type, e, s.nFf()));
                ts.add(matrix(p + "ffn_up.weight", type, e, s.nFf()));
                ts.add(matrix(p + "ffn_down.weight", type, s.nFf(), e));
            }
        }
        ts.add(norm("output_norm.weight", e));
        if (!s.tiedOutput()) {
            ts.add(matrix("output.weight", type, e, s.nVocab()));
        }
        return ts;
    }

    private static SyntheticTensor matrix(String name, GgmlType type, long ne0, long ne1) {
        return new SyntheticTensor(name, new long[]{ne0, ne1}, type, SyntheticTensor.Fill.GAUSSIAN);
    }

    private static SyntheticTensor norm(String name, long n) {
        return new SyntheticTensor(name, new long[]{n}, GgmlType.F32, SyntheticTensor.Fill.ONES);
    }

    private static Map<String, GgufValue> metadata(SynthShape s, GgmlType type) {
        String a = s.arch().ggufName();
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("general.architecture", GgufValue.ofString(a));
        md.put("general.type", GgufValue.ofString("model"));
        md.put("general.name", GgufValue.ofString("synthetic " + a + " " + s.name() + " (random weights)"));
        md.put("general.file_type", GgufValue.ofUInt32(LlamaFileType.forUniformType(type).value()));
        md.put("general.quantization_version", GgufValue.ofUInt32(2));
        md.put(a + ".block_count", GgufValue.ofUInt32(s.nLayer()));
        md.put(a + ".context_length", GgufValue.ofUInt32(s.nCtxTrain()));
        md.put(a + ".embedding_length", GgufValue.ofUInt32(s.nEmbd()));
        md.put(a + ".feed_forward_length", GgufValue.ofUInt32(s.nFf()));
        md.put(a + ".attention.head_count", GgufValue.ofUInt32(s.nHead()));
        md.put(a + ".attention.head_count_kv", GgufValue.ofUInt32(s.nHeadKv()));
        md.put(a + ".rope.freq_base", GgufValue.ofFloat32(s.ropeBase()));
        md.put(a + ".attention.layer_norm_rms_epsilon", GgufValue.ofFloat32(s.rmsEps()));
        md.put(a + ".attention.key_length", GgufValue.ofUInt32(s.headDim()));
        md.put(a + ".attention.value_length", GgufValue.ofUInt32(s.headDim()));
        md.put(a + ".vocab_size", GgufValue.ofUInt32(s.nVocab()));
        md.put(a + ".rope.dimension_count", GgufValue.ofUInt32(s.headDim()));
        if (s.nExpert() > 0) {
            md.put(a + ".expert_count", GgufValue.ofUInt32(s.nExpert()));
            md.put(a + ".expert_used_count", GgufValue.ofUInt32(s.nExpertUsed()));
            md.put(a + ".expert_feed_forward_length", GgufValue.ofUInt32(s.nFfExp()));
        }
        if (s.arch() == Architecture.LLAMA4) {
            md.put(a + ".interleave_moe_layer_step", GgufValue.ofUInt32(s.moeStep()));
        }
        SyntheticVocabulary v = SyntheticVocabulary.ofSize(s.nVocab());
        md.put("tokenizer.ggml.model", GgufValue.ofString("gpt2"));
        md.put("tokenizer.ggml.pre", GgufValue.ofString(s.arch() == Architecture.LLAMA4 ? "llama4" : "llama-bpe"));
        md.put("tokenizer.ggml.tokens", GgufValue.ofStringArray(v.tokens()));
        md.put("tokenizer.ggml.token_type", GgufValue.ofInt32Array(v.typeIds()));
        md.put("tokenizer.ggml.merges", GgufValue.ofStringArray(v.merges()));
        md.put("tokenizer.ggml.bos_token_id", GgufValue.ofUInt32(v.bos()));
        md.put("tokenizer.ggml.eos_token_id", GgufValue.ofUInt32(v.eos()));
        md.put("tokenizer.ggml.eot_token_id", GgufValue.ofUInt32(v.eot()));
        md.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(true));
        return md;
    }
}
