package io.quantarena.core.model;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.gguf.GgufValue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A llama / llama4 GGUF opened for inference: the memory-mapped file, its hyper-parameters after
 * {@code --override-kv}, and the bound weights (views into the mapping). Close it when done.
 */
public final class ModelFile implements AutoCloseable {

    private final GgufFile gguf;
    private final ModelMetadata metadata;
    private final LlamaModel model;

    private ModelFile(GgufFile gguf, ModelMetadata metadata, LlamaModel model) {
        this.gguf = gguf;
        this.metadata = metadata;
        this.model = model;
    }

    public static ModelFile open(Path path, List<KvOverride> overrides) throws IOException {
        GgufFile gguf = GgufFile.open(path);
        try {
            ModelMetadata md = new ModelMetadata(key -> gguf.metadata().find(key).map(GgufValue::value).orElse(null),
                    overrides);
            int vocabFallback = md.arrayLength("tokenizer.ggml.tokens");
            if (vocabFallback < 0) {
                vocabFallback = (int) gguf.findTensor("token_embd.weight").map(t -> t.ne(1)).orElse(0L).longValue();
            }
            HyperParams hp = HyperParams.read(md, vocabFallback);
            LlamaModel model = LlamaModel.bind(hp, name -> {
                GgufTensorInfo t = gguf.findTensor(name).orElse(null);
                return t == null ? null : new TensorData(t.name(), t.type(), t.ne(), gguf.tensorData(t));
            });
            return new ModelFile(gguf, md, model);
        } catch (RuntimeException e) {
            gguf.close();
            throw e;
        }
    }

    public GgufFile gguf() {
        return gguf;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public LlamaModel model() {
        return model;
    }

    public HyperParams hparams() {
        return model.hparams();
    }

    @Override
    public void close() {
        gguf.close();
    }
}
