package io.quantarena.core.eval;

import io.quantarena.core.model.CpuBackend;
import io.quantarena.core.model.HyperParams;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.LlamaModel;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.model.Session;
import io.quantarena.core.model.TensorData;
import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.testsupport.SharedAssets;
import io.quantarena.core.tokenizer.Tokenizer;
import io.quantarena.core.tokenizer.Tokenizers;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/** Shared set-up of the reference-model tests: tokenized wiki text, sessions, requantized models. */
public final class ReferenceRuns {

    public static final int N_CTX = 512;

    private static int[] wikiTokens;

    private ReferenceRuns() {
    }

    public static int threads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    public static Tokenizer tokenizer(ModelFile mf) {
        return Tokenizers.fromGguf(mf.gguf().metadata());
    }

    /** wiki.test.raw tokenized once with BOS and special tokens, as llama-perplexity does (both tiny models share the vocabulary). */
    public static synchronized int[] wikiTokens(Tokenizer tok) {
        if (wikiTokens == null) {
            wikiTokens = tok.encode(SharedAssets.text("data/wiki.test.raw"), true, true);
        }
        return wikiTokens;
    }

    /** The perplexity run of llama-perplexity -c 512 --chunks N; the printed lines go to {@code log}. */
    public static PerplexityResult perplexity(LlamaModel model, Tokenizer tok, int chunks, PrintStream log) {
        try (CpuBackend be = CpuBackend.forEvaluation(threads())) {
            Session s = new Session(model, be, N_CTX, N_CTX, KvCacheType.F16);
            return new PerplexityRunner(s, N_CTX, tok.vocabulary().addBos(), tok.vocabulary().specialIds().bos(), log)
                    .perplexity(wikiTokens(tok), chunks, null);
        }
    }

    public static PrintStream quietLog(ByteArrayOutputStream sink) {
        return new PrintStream(sink, true, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The model with every tensor converted to the type the reference quant has (from
     * expected.json {@code tensor_types_ggml_ids}); types the file already has are kept as views.
     * Only for types whose reference quantization ignores the importance matrix (Q8_0).
     */
    public static LlamaModel requantized(ModelFile source, String quantName, Arena arena) {
        Map<String, Object> types = ExpectedJson.asMap(ExpectedJson.at("quants", quantName, "tensor_types_ggml_ids"));
        Map<String, TensorData> converted = new HashMap<>();
        for (var info : source.gguf().tensors()) {
            Number id = (Number) types.get(info.name());
            if (id == null) {
                throw new IllegalStateException("expected.json lists no type for tensor " + info.name() + " of " + quantName);
            }
            GgmlType target = GgmlType.byId(id.intValue());
            MemorySegment data = source.gguf().tensorData(info);
            if (target != info.type()) {
                int cols = (int) info.ne(0);
                int rows = (int) (info.elementCount() / cols);
                float[] values = new float[rows * cols];
                QuantCodec from = QuantCodecs.forType(info.type());
                for (int r = 0; r < rows; r++) {
                    from.dequantizeRow(data, r * info.type().rowSize(cols), values, r * cols, cols);
                }
                MemorySegment out = arena.allocate(target.rowSize(cols) * rows, 64);
                QuantCodecs.forType(target).quantize(values, 0, rows, cols, null, out, 0);
                data = out;
            }
            converted.put(info.name(), new TensorData(info.name(), target, info.ne(), data));
        }
        HyperParams hp = source.hparams();
        return LlamaModel.bind(hp, converted::get);
    }
}
