package io.quantarena.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Every service in this JVM, each in its own Spring context on its own port, pointed at one
 * PostgreSQL and one Kafka. job-service and the workers start together, the gateway last (it needs
 * job-service's address).
 */
public final class LocalCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

    private final Map<ServiceKind, ConfigurableApplicationContext> contexts;

    private LocalCluster(Map<ServiceKind, ConfigurableApplicationContext> contexts) {
        this.contexts = contexts;
    }

    /**
     * @param database        {@code spring.datasource.*} for job-service
     * @param kafkaBootstrap  Kafka for every service
     * @param extraSources    per service, additional configuration classes (tests replace beans this way)
     */
    public static LocalCluster start(ClusterSettings settings, Map<String, Object> database, String kafkaBootstrap,
                                     Map<ServiceKind, List<Class<?>>> extraSources) {
        // contexts start in parallel: Boot must not re-initialise the shared Logback for each (logback.xml serves all)
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        Map<ServiceKind, ConfigurableApplicationContext> started = new ConcurrentHashMap<>();
        // job-service and the workers need nothing from each other to start: start them side by side
        List<ServiceKind> firstWave = List.of(ServiceKind.JOB_SERVICE, ServiceKind.QUANT_WORKER,
                ServiceKind.EVAL_WORKER, ServiceKind.INFERENCE_WORKER);
        ExecutorService pool = Executors.newFixedThreadPool(firstWave.size(), Thread.ofPlatform().name("start-", 0).factory());
        try {
            List<Future<?>> starting = new ArrayList<>();
            for (ServiceKind kind : firstWave) {
                starting.add(pool.submit(() -> started.put(kind, startOne(kind, settings, database, kafkaBootstrap,
                        extraSources, Map.of()))));
            }
            for (Future<?> f : starting) {
                f.get();
            }
            String jobService = "http://localhost:" + port(started.get(ServiceKind.JOB_SERVICE));
            String inferenceWorker = "http://localhost:" + port(started.get(ServiceKind.INFERENCE_WORKER));
            started.put(ServiceKind.API_GATEWAY, startOne(ServiceKind.API_GATEWAY, settings, database, kafkaBootstrap,
                    extraSources, Map.of("quantarena.gateway.job-service-url", jobService,
                            "quantarena.gateway.inference-worker-url", inferenceWorker,
                            "spring.cloud.stream.function.autodetect", false)));
            return new LocalCluster(new EnumMap<>(started));
        } catch (ExecutionException | InterruptedException | RuntimeException e) {
            new LocalCluster(new EnumMap<>(started)).close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw cause instanceof RuntimeException r ? r : new IllegalStateException("the local cluster did not start", cause);
        } finally {
            pool.shutdown();
        }
    }

    private static ConfigurableApplicationContext startOne(ServiceKind kind, ClusterSettings settings,
                                                           Map<String, Object> database, String kafkaBootstrap,
                                                           Map<ServiceKind, List<Class<?>>> extraSources,
                                                           Map<String, Object> more) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("spring.config.name", kind.serviceName());
        props.put("server.port", settings.port(kind));
        props.put("spring.autoconfigure.exclude", String.join(",", kind.excludedAutoConfigurations()));
        props.put("spring.cloud.stream.kafka.binder.brokers", kafkaBootstrap);
        // one logging system serves all contexts: a per-context application name would mislabel lines
        props.put("logging.include-application-name", false);
        // Ctrl-C should stop the local cluster in seconds, not wait out 30 s lifecycle phases
        props.put("server.shutdown", "immediate");
        props.put("spring.lifecycle.timeout-per-shutdown-phase", "5s");
        props.put("quantarena.models-dir", settings.modelsDir().toString());
        props.put("quantarena.store-dir", settings.storeDir().toString());
        props.put("quantarena.datasets-dir", settings.datasetsDir().toString());
        if (kind == ServiceKind.JOB_SERVICE) {
            props.putAll(database);
        }
        props.putAll(more);
        props.putAll(settings.extraProperties());
        List<Class<?>> sources = new ArrayList<>();
        sources.add(kind.application());
        sources.addAll(extraSources.getOrDefault(kind, List.of()));
        long t0 = System.nanoTime();
        // as command-line arguments: they must win over each service's own <name>.yml
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
                .registerShutdownHook(false)
                .run(args);
        log.info("{} started on port {} in {} ms", kind.serviceName(), port(context), (System.nanoTime() - t0) / 1_000_000);
        return context;
    }

    public int port(ServiceKind kind) {
        return port(contexts.get(kind));
    }

    public String url(ServiceKind kind) {
        return "http://localhost:" + port(kind);
    }

    public ConfigurableApplicationContext context(ServiceKind kind) {
        return contexts.get(kind);
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** Stops the services in reverse start order. */
    @Override
    public void close() {
        for (ServiceKind kind : List.of(ServiceKind.API_GATEWAY, ServiceKind.INFERENCE_WORKER, ServiceKind.EVAL_WORKER,
                ServiceKind.QUANT_WORKER, ServiceKind.JOB_SERVICE)) {
            ConfigurableApplicationContext c = contexts.get(kind);
            if (c != null) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    log.warn("stopping {} failed: {}", kind.serviceName(), e.getMessage());
                }
            }
        }
    }
}
