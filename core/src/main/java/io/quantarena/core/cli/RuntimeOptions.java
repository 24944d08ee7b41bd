package io.quantarena.core.cli;

import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.KvOverride;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Options shared by the commands that run a model: threads, overrides, KV cache type. */
final class RuntimeOptions {

    static final Set<String> NAMES = Set.of("-m", "--model", "-t", "--threads", "--override-kv", "-ctk", "--cache-type-k",
            "-ctv", "--cache-type-v");

    private RuntimeOptions() {
    }

    static String model(CliArgs a) {
        return a.option("-m").or(() -> a.option("--model"))
                .orElseThrow(() -> new CliException("a model is required (-m MODEL.gguf)"));
    }

    static int threads(CliArgs a) {
        int t = a.intOption("-t", a.intOption("--threads", Runtime.getRuntime().availableProcessors()));
        if (t < 1) {
            throw new CliException("thread count " + t + ", expected >= 1");
        }
        return t;
    }

    static List<KvOverride> overrides(CliArgs a) {
        List<KvOverride> list = new ArrayList<>();
        for (String s : a.options("--override-kv")) {
            try {
                list.add(KvOverride.parse(s));
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
        }
        return list;
    }

    /** One type for K and V (llama.cpp's -ctk / -ctv); f16 by default. */
    static KvCacheType cacheType(CliArgs a) {
        String k = a.option("-ctk").or(() -> a.option("--cache-type-k")).orElse("f16");
        String v = a.option("-ctv").or(() -> a.option("--cache-type-v")).orElse(k);
        try {
            KvCacheType tk = KvCacheType.parse(k);
            KvCacheType tv = KvCacheType.parse(v);
            if (tk != tv) {
                throw new CliException("K cache type " + k + " and V cache type " + v + " differ; only one type for both is supported");
            }
            return tk;
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    static int positiveInt(CliArgs a, String name, int fallback) {
        int v = a.intOption(name, fallback);
        if (v <= 0) {
            throw new CliException("option " + name + " is " + v + ", expected a positive number");
        }
        return v;
    }
}
