package io.quantarena.inferenceworker;

import io.quantarena.contracts.files.DataDirectories;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.KvOverride;
import io.quantarena.inferenceworker.engine.LoadedModel;
import io.quantarena.inferenceworker.engine.ModelCatalog;
import io.quantarena.inferenceworker.engine.ModelRegistry;
import io.quantarena.inferenceworker.metrics.ServingMetrics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.List;

/** The serving engine: catalog (the store's models, or the one standalone file), registry, metrics. */
@Configuration
public class ServingConfiguration {

    @Bean
    public ServingMetrics servingMetrics() {
        return new ServingMetrics();
    }

    /** Standalone: the one file. Otherwise the models directory must exist (start-up fails naming it) and the store is created. */
    @Bean
    public ModelCatalog modelCatalog(ServeProperties serve, InferenceWorkerProperties dirs) {
        if (serve.standalone()) {
            return ModelCatalog.ofFile(serve.modelFile(), serve.alias());
        }
        Path models = DataDirectories.requireExisting(DataDirectories.MODELS_PROPERTY, dirs.modelsDir(),
                "the base models (*.gguf files) to serve");
        return ModelCatalog.ofDirectories(models, DataDirectories.createStore(DataDirectories.STORE_PROPERTY, dirs.storeDir()));
    }

    @Bean(destroyMethod = "close")
    public ModelRegistry modelRegistry(ModelCatalog catalog, ServeProperties serve, ServingMetrics metrics) {
        List<KvOverride> overrides = serve.overrideKv().stream().map(KvOverride::parse).toList();
        LoadedModel.Settings settings = new LoadedModel.Settings(serve.parallel(), serve.queueSize(), serve.ctxSize(),
                serve.ubatch(), serve.threads(), KvCacheType.parse(serve.cacheType()));
        return new ModelRegistry(catalog, settings, overrides, serve.memoryBudget().toBytes(), metrics);
    }
}
