package io.quantarena.core.model;

import io.quantarena.core.kernel.cpu.RowKernels;

import java.util.Arrays;
import java.util.function.Function;

/**
 * The weights of a llama / llama4 model (spec gguf.md §8) as views of their stored bytes —
 * nothing is copied except the small 1-D norm vectors, which are decoded to float once.
 */
public final class LlamaModel {

    /** One transformer block; FFN fields not used by the block's kind are null. */
    public record Layer(
            float[] attnNorm, Weight wq, Weight wk, Weight wv, Weight wo,
            float[] ffnNorm,
            Weight ffnGate, Weight ffnUp, Weight ffnDown,
            Weight router, Weight gateExps, Weight upExps, Weight downExps,
            Weight gateShexp, Weight upShexp, Weight downShexp) {

        public boolean isMoe() {
            return router != null;
        }
    }

    private final HyperParams hp;
    private final Weight tokenEmbd;
    private final Weight output;
    private final float[] outputNorm;
    private final float[] ropeFreqs;
    private final Layer[] layers;

    private LlamaModel(HyperParams hp, Weight tokenEmbd, Weight output, float[] outputNorm, float[] ropeFreqs,
                       Layer[] layers) {
        this.hp = hp;
        this.tokenEmbd = tokenEmbd;
        this.output = output;
        this.outputNorm = outputNorm;
        this.ropeFreqs = ropeFreqs;
        this.layers = layers;
    }

    /**
     * Binds the tensors of a model.
     *
     * @param tensors looks a tensor up by name, null when absent
     */
    public static LlamaModel bind(HyperParams hp, Function<String, TensorData> tensors) {
        Binder b = new Binder(tensors);
        int e = hp.nEmbd();
        Weight tokenEmbd = b.matrix("token_embd.weight", e, hp.nVocab());
        Weight output = b.has("output.weight") ? b.matrix("output.weight", e, hp.nVocab()) : tokenEmbd;
        float[] outputNorm = b.vector("output_norm.weight", e);
        float[] ropeFreqs = b.has("rope_freqs.weight") ? b.vector("rope_freqs.weight", hp.headDim() / 2) : null;
        Layer[] layers = new Layer[hp.nLayer()];
        for (int il = 0; il < hp.nLayer(); il++) {
            String p = "blk." + il + ".";
            float[] attnNorm = b.vector(p + "attn_norm.weight", e);
            Weight wq = b.matrix(p + "attn_q.weight", e, hp.qDim());
            Weight wk = b.matrix(p + "attn_k.weight", e, hp.kvDim());
            Weight wv = b.matrix(p + "attn_v.weight", e, hp.kvDim());
            Weight wo = b.matrix(p + "attn_output.weight", hp.qDim(), e);
            float[] ffnNorm = b.vector(p + "ffn_norm.weight", e);
            if (hp.isMoeLayer(il)) {
                int ne = hp.nExpert();
                int ff = hp.nFfExp();
                Weight router = b.matrix(p + "ffn_gate_inp.weight", e, ne);
                Weight gateExps = b.experts(p + "ffn_gate_exps.weight", e, ff, ne);
                Weight upExps = b.experts(p + "ffn_up_exps.weight", e, ff, ne);
                Weight downExps = b.experts(p + "ffn_down_exps.weight", ff, e, ne);
                Weight gs = null, us = null, ds = null;
                if (hp.arch() == Architecture.LLAMA4) {
                    gs = b.matrix(p + "ffn_gate_shexp.weight", e, ff);
                    us = b.matrix(p + "ffn_up_shexp.weight", e, ff);
                    ds = b.matrix(p + "ffn_down_shexp.weight", ff, e);
                }
                layers[il] = new Layer(attnNorm, wq, wk, wv, wo, ffnNorm, null, null, null,
                        router, gateExps, upExps, downExps, gs, us, ds);
            } else {
                Weight gate = b.matrix(p + "ffn_gate.weight", e, hp.nFf());
                Weight up = b.matrix(p + "ffn_up.weight", e, hp.nFf());
                Weight down = b.matrix(p + "ffn_down.weight", hp.nFf(), e);
                layers[il] = new Layer(attnNorm, wq, wk, wv, wo, ffnNorm, gate, up, down,
                        null, null, null, null, null, null, null);
            }
        }
        return new LlamaModel(hp, tokenEmbd, output, outputNorm, ropeFreqs, layers);
    }

    public HyperParams hparams() {
        return hp;
    }

    public Weight tokenEmbedding() {
        return tokenEmbd;
    }

    public Weight output() {
        return output;
    }

    public float[] outputNorm() {
        return outputNorm;
    }

    /** {@code rope_freqs} divisors, or null. */
    public float[] ropeFreqs() {
        return ropeFreqs;
    }

    public Layer layer(int il) {
        return layers[il];
    }

    /** Total bytes of all weights (for size / bits-per-weight lines). */
    public long weightBytes() {
        long total = tokenEmbd.data().byteSize() + (output != tokenEmbd ? output.data().byteSize() : 0)
                + 4L * outputNorm.length;
        for (Layer l : layers) {
            total += 4L * (l.attnNorm.length + l.ffnNorm.length);
            for (Weight w : new Weight[]{l.wq, l.wk, l.wv, l.wo, l.ffnGate, l.ffnUp, l.ffnDown, l.router, l.gateExps,
                    l.upExps, l.downExps, l.gateShexp, l.upShexp, l.downShexp}) {
                if (w != null) {
                    total += w.data().byteSize();
                }
            }
        }
        return total;
    }

    /** Resolves tensors and checks their shapes, naming the tensor on any mismatch. */
    private record Binder(Function<String, TensorData> tensors) {

        boolean has(String name) {
            return tensors.apply(name) != null;
        }

        TensorData require(String name) {
            TensorData t = tensors.apply(name);
            if (t == null) {
                throw new IllegalArgumentException("model tensor " + name + " is missing");
            }
            return t;
        }

        Weight matrix(String name, long ne0, long ne1) {
            TensorData t = require(name);
            expectShape(t, ne0, ne1);
            return new Weight(name, t.type(), t.data(), (int) ne1, (int) ne0);
        }

        /** A stacked expert tensor [ne0, ne1, nExpert] as one matrix of nExpert·ne1 rows. */
        Weight experts(String name, long ne0, long ne1, long nExpert) {
            TensorData t = require(name);
            expectShape(t, ne0, ne1, nExpert);
            return new Weight(name, t.type(), t.data(), Math.toIntExact(ne1 * nExpert), (int) ne0);
        }

        float[] vector(String name, int n) {
            TensorData t = require(name);
            expectShape(t, n);
            float[] v = new float[n];
            RowKernels.forType(t.type()).dequantize(t.data(), 0, 0, v, 0, n);
            return v;
        }

        private static void expectShape(TensorData t, long... ne) {
            long[] actual = t.ne();
            int dims = actual.length;
            while (dims > 1 && actual[dims - 1] == 1) {
                dims--;
            }
            boolean ok = dims <= ne.length;
            for (int i = 0; ok && i < ne.length; i++) {
                long a = i < actual.length ? actual[i] : 1;
                ok = a == ne[i];
            }
            if (!ok) {
                throw new IllegalArgumentException("tensor " + t.name() + " has shape " + t.shape() + ", expected "
                        + Arrays.toString(ne));
            }
        }
    }
}
