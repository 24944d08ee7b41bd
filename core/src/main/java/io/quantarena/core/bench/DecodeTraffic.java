package io.quantarena.core.bench;

import io.quantarena.core.model.HyperParams;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.LlamaModel;
import io.quantarena.core.model.Weight;
import io.quantarena.core.tensor.GgmlType;

/**
 * Bytes of memory one decoded token must read: every weight matrix the token passes through (for
 * MoE layers only the {@code n_expert_used} routed experts it picks), the LM head, one embedding
 * row, the norm vectors and the keys and values of the KV cache at a given context length. Divided
 * into the measured read bandwidth it gives the bandwidth bound on generation speed.
 */
public final class DecodeTraffic {

    private DecodeTraffic() {
    }

    /**
     * @param contextCells KV cells attended to (the average over a generation test)
     */
    public static double bytesPerToken(LlamaModel model, double contextCells, KvCacheType cacheType) {
        HyperParams hp = model.hparams();
        double bytes = model.tokenEmbedding().rowBytes() + bytes(model.output()) + 4.0 * hp.nEmbd();
        for (int il = 0; il < hp.nLayer(); il++) {
            LlamaModel.Layer l = model.layer(il);
            bytes += 4.0 * (l.attnNorm().length + l.ffnNorm().length);
            bytes += bytes(l.wq()) + bytes(l.wk()) + bytes(l.wv()) + bytes(l.wo());
            if (l.isMoe()) {
                double used = (double) hp.nExpertUsed() / hp.nExpert();
                bytes += bytes(l.router()) + used * (bytes(l.gateExps()) + bytes(l.upExps()) + bytes(l.downExps()));
                bytes += bytes(l.gateShexp()) + bytes(l.upShexp()) + bytes(l.downShexp());
            } else {
                bytes += bytes(l.ffnGate()) + bytes(l.ffnUp()) + bytes(l.ffnDown());
            }
        }
        bytes += hp.nLayer() * 2.0 * contextCells * kvRowBytes(cacheType, hp.kvDim());
        return bytes;
    }

    private static double bytes(Weight w) {
        return w == null ? 0 : (double) w.rowBytes() * w.rows();
    }

    private static double kvRowBytes(KvCacheType type, int kvDim) {
        return switch (type) {
            case F32 -> 4.0 * kvDim;
            case F16 -> 2.0 * kvDim;
            case Q8_0 -> GgmlType.Q8_0.rowSize(kvDim);
        };
    }
}
