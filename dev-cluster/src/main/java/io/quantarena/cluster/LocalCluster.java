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

/**
 * Every service in this JVM, each in its own Spring context on its own port, pointed at one
 * PostgreSQL and one Kafka. job-service starts first (it owns the schema and the models), the
 * gateway last (it needs job-service's address).
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
        Map<ServiceKind, ConfigurableApplicationContext> started = new EnumMap<>(ServiceKind.class);
        try {
            List<ServiceKind> order = List.of(ServiceKind.JOB_SERVICE, ServiceKind.QUANT_WORKER,
                    ServiceKind.EVAL_WORKER, ServiceKind.INFERENCE_WORKER, ServiceKind.API_GATEWAY);
            for (ServiceKind kind : order) {
                Map<String, Object> props = new LinkedHashMap<>();
                props.put("spring.config.name", kind.serviceName());
                props.put("server.port", settings.port(kind));
                props.put("spring.autoconfigure.exclude", String.join(",", kind.excludedAutoConfigurations()));
                props.put("spring.cloud.stream.kafka.binder.brokers", kafkaBootstrap);
                props.put("quantarena.models-dir", settings.modelsDir().toString());
                props.put("quantarena.store-dir", settings.storeDir().toString());
                if (kind == ServiceKind.JOB_SERVICE) {
                    props.putAll(database);
                }
                if (kind == ServiceKind.API_GATEWAY) {
                    props.put("quantarena.gateway.job-service-url",
                            "http://localhost:" + port(started.get(ServiceKind.JOB_SERVICE)));
                    props.put("spring.cloud.stream.function.autodetect", false);
                }
                props.putAll(settings.extraProperties());
                List<Class<?>> sources = new ArrayList<>();
                sources.add(kind.application());
                sources.addAll(extraSources.getOrDefault(kind, List.of()));
                long t0 = System.nanoTime();
                ConfigurableApplicationContext context = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
                        .properties(props)
                        .registerShutdownHook(false)
                        .run();
                started.put(kind, context);
                log.info("{} started on port {} in {} ms", kind.serviceName(), port(context),
                        (System.nanoTime() - t0) / 1_000_000);
            }
            return new LocalCluster(started);
        } catch (RuntimeException e) {
            new LocalCluster(started).close();
            throw e;
        }
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
