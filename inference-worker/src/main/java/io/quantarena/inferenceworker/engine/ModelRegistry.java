package io.quantarena.inferenceworker.engine;

import io.quantarena.core.model.KvOverride;
import io.quantarena.inferenceworker.metrics.ServingMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Models loaded on first use and kept in least-recently-used order within a memory budget: loading one
 * unloads idle models (no lease, nothing queued or generating) until it fits. A model is loaded once per
 * distinct set of metadata overrides (e.g. {@code llama4.expert_used_count=int:2}).
 */
public final class ModelRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    /** The use of a loaded model by one request; close it when the request is done. */
    public static final class Lease implements AutoCloseable {
        private final LoadedModel model;
        private boolean closed;

        private Lease(LoadedModel model) {
            this.model = model;
            model.lease();
        }

        public LoadedModel model() {
            return model;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                model.release();
            }
        }
    }

    private final ModelCatalog catalog;
    private final LoadedModel.Settings settings;
    private final List<KvOverride> defaultOverrides;
    private final long budgetBytes;
    private final ServingMetrics metrics;
    /** Access-ordered: the first entry is the least recently used. */
    private final LinkedHashMap<String, LoadedModel> loaded = new LinkedHashMap<>(16, 0.75f, true);

    public ModelRegistry(ModelCatalog catalog, LoadedModel.Settings settings, List<KvOverride> defaultOverrides,
                         long budgetBytes, ServingMetrics metrics) {
        this.catalog = catalog;
        this.settings = settings;
        this.defaultOverrides = List.copyOf(defaultOverrides);
        this.budgetBytes = budgetBytes;
        this.metrics = metrics;
        metrics.gauges(() -> sum(true), () -> sum(false), this::loadedCount);
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    /**
     * The model of that name, loaded if needed, leased to the caller.
     *
     * @param overrides added to the configured ones (a request's own)
     */
    public synchronized Lease acquire(String name, List<KvOverride> overrides) {
        ModelCatalog.Entry entry = catalog.find(name).orElseThrow(() -> new ModelNotFoundException(name,
                catalog.list().stream().map(ModelCatalog.Entry::id).toList()));
        List<KvOverride> all = new ArrayList<>(defaultOverrides);
        all.addAll(overrides);
        String key = entry.id() + all.stream().map(o -> " " + o.key() + "=" + o.value()).reduce("", String::concat);
        LoadedModel model = loaded.get(key);
        if (model == null) {
            model = load(key, entry, all);
        }
        return new Lease(model);
    }

    private LoadedModel load(String key, ModelCatalog.Entry entry, List<KvOverride> overrides) {
        long t0 = System.nanoTime();
        LoadedModel model;
        try {
            model = LoadedModel.load(entry.id(), entry.file(), overrides, settings, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model " + entry.id() + " from " + entry.file(), e);
        }
        evictFor(model.bytes());
        loaded.put(key, model);
        log.info("loaded model {} from {} in {} ms ({} MiB with KV caches; chat template {}; {} loaded)", key,
                entry.file(), (System.nanoTime() - t0) / 1_000_000, model.bytes() >> 20,
                model.chatTemplate().templateName(), loaded.size());
        return model;
    }

    /** Unloads idle models, least recently used first, until {@code needed} more bytes fit the budget. */
    private void evictFor(long needed) {
        long used = loaded.values().stream().mapToLong(LoadedModel::bytes).sum();
        for (Iterator<Map.Entry<String, LoadedModel>> it = loaded.entrySet().iterator();
             it.hasNext() && used + needed > budgetBytes; ) {
            Map.Entry<String, LoadedModel> e = it.next();
            if (e.getValue().unused()) {
                log.info("unloading model {} (least recently used) to fit the memory budget of {} MiB", e.getKey(),
                        budgetBytes >> 20);
                used -= e.getValue().bytes();
                e.getValue().close();
                it.remove();
            }
        }
        if (used + needed > budgetBytes) {
            log.warn("loaded models use {} MiB plus {} MiB for the next, over the budget of {} MiB: the others are busy",
                    used >> 20, needed >> 20, budgetBytes >> 20);
        }
    }

    private synchronized int loadedCount() {
        return loaded.size();
    }

    private synchronized int sum(boolean queued) {
        int n = 0;
        for (LoadedModel m : loaded.values()) {
            n += queued ? m.scheduler().queued() : m.scheduler().active();
        }
        return n;
    }

    @Override
    public synchronized void close() {
        loaded.values().forEach(LoadedModel::close);
        loaded.clear();
    }
}
