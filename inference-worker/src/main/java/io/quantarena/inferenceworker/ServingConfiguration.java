package io.quantarena.inferenceworker;

import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.KvOverride;
import io.quantarena.inferenceworker.engine.LoadedModel;
import io.quantarena.inferenceworker.engine.ModelCatalog;
import io.quantarena.inferenceworker.engine.ModelRegistry;
import io.quantarena.inferenceworker.metrics.ServingMetrics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/** The serving engine: catalog (the store's models, or the one standalone file), registry, metrics. */
@Configuration
public class ServingConfiguration {

    @Bean
    public ServingMetrics servingMetrics() {
        return new ServingMetrics();
    }

    @Bean
    public ModelCatalog modelCatalog(ServeProperties serve, InferenceWorkerProperties dirs) {
        return serve.standalone() ? ModelCatalog.ofFile(serve.modelFile(), serve.alias())
                : ModelCatalog.ofDirectories(dirs.modelsPath(), dirs.storePath());
    }

    @Bean(destroyMethod = "close")
    public ModelRegistry modelRegistry(ModelCatalog catalog, ServeProperties serve, ServingMetrics metrics) {
        List<KvOverride> overrides = serve.overrideKv().stream().map(KvOverride::parse).toList();
        LoadedModel.Settings settings = new LoadedModel.Settings(serve.parallel(), serve.queueSize(), serve.ctxSize(),
                serve.ubatch(), serve.threads(), KvCacheType.parse(serve.cacheType()));
        return new ModelRegistry(catalog, settings, overrides, serve.memoryBudget().toBytes(), metrics);
    }
}
