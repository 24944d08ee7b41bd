package io.quantarena.inferenceworker;

import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.KvOverride;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code quantarena serve -m MODEL.gguf [--host 127.0.0.1] [--port 8081] [-t THREADS] [--override-kv KEY=TYPE:VALUE]...
 * [-c CTX] [-np PARALLEL] [-a ALIAS]}: the inference-worker's API (/v1, /metrics) on one file, without
 * the model store, Kafka or anything else — like llama-server.
 */
public final class StandaloneServer {

    static final String USAGE = "usage: quantarena serve -m MODEL.gguf [--host 127.0.0.1] [--port 8081] [-t THREADS]"
            + " [--override-kv KEY=TYPE:VALUE]... [-c CTX_PER_SLOT] [-np PARALLEL] [-b BATCH] [-ctk f16|f32|q8_0]"
            + " [-a ALIAS] [--queue N]";

    /** Spring Cloud Stream's auto-configurations: standalone has no message broker. */
    static final List<String> STREAM_AUTO_CONFIGURATIONS = List.of(
            "org.springframework.cloud.stream.config.BindersHealthIndicatorAutoConfiguration",
            "org.springframework.cloud.stream.config.ChannelsEndpointAutoConfiguration",
            "org.springframework.cloud.stream.config.BindingsEndpointAutoConfiguration",
            "org.springframework.cloud.stream.config.BindingServiceConfiguration",
            "org.springframework.cloud.stream.function.FunctionConfiguration");

    private StandaloneServer() {
    }

    public static void main(String[] args) {
        Map<String, Object> props;
        try {
            props = properties(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("serve: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        SpringApplication app = new SpringApplication(InferenceWorkerApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", InferenceWorkerApplication.CONFIG_NAME));
        String[] springArgs = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = app.run(springArgs);
        System.err.println("serve: " + props.get("quantarena.serve.model") + " on http://" + props.get("server.address")
                + ":" + context.getEnvironment().getProperty("local.server.port") + "/v1 (metrics: /metrics)");
    }

    /** The Spring properties for these command-line arguments; throws naming a bad argument. */
    static Map<String, Object> properties(List<String> args) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.address", "127.0.0.1");
        p.put("server.port", 8081);
        p.put("quantarena.serve.jobs-enabled", false);
        p.put("spring.cloud.function.definition", "");
        p.put("spring.autoconfigure.exclude", String.join(",", STREAM_AUTO_CONFIGURATIONS));
        p.put("spring.main.banner-mode", "off");
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-h") || a.equals("--help")) {
                throw new IllegalArgumentException("help");
            }
            String v = value(args, i, a);
            i++;
            switch (a) {
                case "-m", "--model" -> {
                    Path file = Path.of(v).toAbsolutePath().normalize();
                    if (!Files.isRegularFile(file)) {
                        throw new IllegalArgumentException("model file " + v + " does not exist");
                    }
                    p.put("quantarena.serve.model", file.toString());
                }
                case "--host" -> p.put("server.address", v);
                case "--port" -> p.put("server.port", integer(a, v, 0));
                case "-t", "--threads" -> p.put("quantarena.serve.threads", integer(a, v, 1));
                case "-c", "--ctx-size" -> p.put("quantarena.serve.ctx-size", integer(a, v, 1));
                case "-np", "--parallel" -> p.put("quantarena.serve.parallel", integer(a, v, 1));
                case "-b", "--batch-size" -> p.put("quantarena.serve.ubatch", integer(a, v, 1));
                case "--queue" -> p.put("quantarena.serve.queue-size", integer(a, v, 1));
                case "-a", "--alias" -> p.put("quantarena.serve.alias", v);
                case "-ctk", "--cache-type-k" -> p.put("quantarena.serve.cache-type", KvCacheType.parse(v).name().toLowerCase(java.util.Locale.ROOT));
                case "--override-kv" -> {
                    KvOverride.parse(v);
                    overrides.add(v);
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (!p.containsKey("quantarena.serve.model")) {
            throw new IllegalArgumentException("a model is required (-m MODEL.gguf)");
        }
        for (int i = 0; i < overrides.size(); i++) {
            p.put("quantarena.serve.override-kv[" + i + "]", overrides.get(i));
        }
        return p;
    }

    private static String value(List<String> args, int i, String option) {
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException("option " + option + " needs a value");
        }
        return args.get(i + 1);
    }

    private static int integer(String option, String v, int min) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) {
                throw new IllegalArgumentException("option " + option + " is " + n + ", expected >= " + min);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + option + " needs an integer, got '" + v + "'");
        }
    }
}
