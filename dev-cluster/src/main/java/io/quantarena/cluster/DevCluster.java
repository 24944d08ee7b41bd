package io.quantarena.cluster;

import io.quantarena.infra.EmbeddedKafkaBroker;
import io.quantarena.infra.EmbeddedPostgresServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./quantarena up}: embedded PostgreSQL, an in-JVM Kafka broker and every service, on fixed
 * ports, with state under {@code var/}. Options (also as system properties {@code quantarena.<name>}):
 * {@code --models-dir=}, {@code --store-dir=}, {@code --datasets-dir=}, {@code --data-dir=},
 * {@code --postgres-port=}, {@code --kafka-port=}. The local demo serves the repository's tiny models and
 * texts: unlike the services' own defaults (under {@code ~/.quantarena}), the models and datasets directories
 * default to {@code ../shared/models} and {@code ../shared/data}, passed to every service explicitly.
 */
public final class DevCluster {

    private DevCluster() {
    }

    public static void main(String[] args) throws InterruptedException {
        long t0 = System.nanoTime();
        Map<String, String> options = options(args);
        Path dataDir = Path.of(options.getOrDefault("data-dir", "var")).toAbsolutePath().normalize();
        Path modelsDir = Path.of(options.getOrDefault("models-dir", "../shared/models")).toAbsolutePath().normalize();
        Path storeDir = Path.of(options.getOrDefault("store-dir", dataDir.resolve("store").toString())).toAbsolutePath().normalize();
        Path datasetsDir = Path.of(options.getOrDefault("datasets-dir", "../shared/data")).toAbsolutePath().normalize();
        if (!isDirectory("models-dir", modelsDir, "the base models (*.gguf)")
                || !isDirectory("datasets-dir", datasetsDir, "the calibration and evaluation texts")) {
            System.exit(2);
            return;
        }
        int postgresPort = Integer.parseInt(options.getOrDefault("postgres-port", "15432"));
        int kafkaPort = Integer.parseInt(options.getOrDefault("kafka-port", "19092"));

        // PostgreSQL runs in its own process: let it start while the broker starts here
        CompletableFuture<EmbeddedPostgresServer> startingPostgres = CompletableFuture.supplyAsync(
                () -> EmbeddedPostgresServer.start(postgresPort, dataDir.resolve("postgres"), true));
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(kafkaPort, dataDir.resolve("kafka"));
        EmbeddedPostgresServer postgres = startingPostgres.join();
        Map<String, Object> database = new LinkedHashMap<>();
        database.put("spring.datasource.url", postgres.jdbcUrl());
        database.put("spring.datasource.username", postgres.user());
        database.put("spring.datasource.password", postgres.password());
        LocalCluster cluster;
        try {
            cluster = LocalCluster.start(ClusterSettings.localDefaults(modelsDir, storeDir, datasetsDir), database,
                    kafka.bootstrapServers(), Map.of());
        } catch (RuntimeException e) {
            System.err.println("quantarena: the local cluster did not start: " + rootCause(e).getMessage());
            kafka.close();
            postgres.close();
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            kafka.close();
            postgres.close();
            stopped.countDown();
        }, "dev-cluster-stop"));

        long ms = (System.nanoTime() - t0) / 1_000_000;
        String gateway = cluster.url(ServiceKind.API_GATEWAY);
        System.out.printf("""

                QuantArena local cluster ready in %.1f s
                  leaderboard      %s/
                  jobs API         %s/api/jobs   (POST %s/api/jobs/quantize, /api/jobs/imatrix, /api/jobs/evaluate)
                  models API       %s/api/models   (POST %s/api/models/{base}/quants: community quants)
                  gateway health   %s/actuator/health
                %s
                  PostgreSQL       %s (user %s)
                  Kafka            %s
                  models dir       %s
                  datasets dir     %s
                  model store      %s
                Press Ctrl-C to stop.
                %n""", ms / 1000.0, gateway, gateway, gateway, gateway, gateway, gateway, serviceLines(cluster),
                postgres.jdbcUrl(), postgres.user(), kafka.bootstrapServers(), modelsDir, datasetsDir, storeDir);
        stopped.await();
    }

    /** False, after saying why, when an option names no directory: checked before PostgreSQL and Kafka start. */
    private static boolean isDirectory(String option, Path dir, String expected) {
        if (Files.isDirectory(dir)) {
            return true;
        }
        System.err.println("quantarena: --" + option + " is " + dir + ", which is not an existing directory; expected "
                + expected + " (pass --" + option + "=DIR)");
        return false;
    }

    /** Spring wraps a service's start-up failure in bean-creation exceptions whose messages leave out the reason. */
    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String serviceLines(LocalCluster cluster) {
        StringBuilder s = new StringBuilder();
        for (ServiceKind kind : List.of(ServiceKind.JOB_SERVICE, ServiceKind.QUANT_WORKER, ServiceKind.EVAL_WORKER,
                ServiceKind.INFERENCE_WORKER)) {
            s.append(String.format("  %-16s %s  (health %s/actuator/health)%n", kind.serviceName(),
                    cluster.url(kind), cluster.url(kind)));
        }
        return s.toString().stripTrailing();
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String name : List.of("models-dir", "store-dir", "datasets-dir", "data-dir", "postgres-port", "kafka-port")) {
            String v = System.getProperty("quantarena." + name);
            if (v != null) {
                options.put(name, v);
            }
        }
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("unknown argument '" + arg + "' (expected --name=value, e.g. --models-dir=/models)");
            }
            String name = arg.substring(2, arg.indexOf('='));
            if (!List.of("models-dir", "store-dir", "datasets-dir", "data-dir", "postgres-port", "kafka-port").contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name
                        + " (known: --models-dir, --store-dir, --datasets-dir, --data-dir, --postgres-port, --kafka-port)");
            }
            options.put(name, arg.substring(arg.indexOf('=') + 1));
        }
        return options;
    }
}
