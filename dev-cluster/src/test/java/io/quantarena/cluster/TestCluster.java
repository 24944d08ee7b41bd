package io.quantarena.cluster;

import io.quantarena.testinfra.PostgresEndpoint;
import io.quantarena.testinfra.TestInfrastructure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One local cluster per test JVM, shared by the end-to-end test classes (starting one takes a while
 * on a small machine): real HTTP, Kafka and PostgreSQL, the shared tiny models and datasets, a fresh
 * store. Stopped when the JVM exits.
 */
final class TestCluster {

    /** Community uploads over this get 413 (the gateway's upload limit is the same). */
    static final long UPLOAD_LIMIT_BYTES = 16L * 1024 * 1024;

    /** The gateway's API key for /v1 (the other routes take none). */
    static final String API_KEY = "test-key-" + java.util.UUID.randomUUID();
    /** Sequences decoded together by the inference-worker, and requests it queues beyond them. */
    static final int SERVE_SLOTS = 4;
    static final int SERVE_QUEUE = 2;

    private static TestCluster shared;

    final PostgresEndpoint db;
    final Path store;
    final LocalCluster cluster;

    private TestCluster(PostgresEndpoint db, Path store, LocalCluster cluster) {
        this.db = db;
        this.store = store;
        this.cluster = cluster;
    }

    static synchronized TestCluster get() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    String gateway() {
        return cluster.url(ServiceKind.API_GATEWAY);
    }

    static Path sharedDir() {
        return Path.of(System.getProperty("quantarena.shared", "../../shared")).toAbsolutePath().normalize();
    }

    static Path sharedModels() {
        return sharedDir().resolve("models");
    }

    private static TestCluster start() {
        PostgresEndpoint db = TestInfrastructure.freshDatabase("cluster");
        Path store;
        try {
            store = Files.createTempDirectory("quantarena-e2e-store");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, Object> database = new LinkedHashMap<>();
        database.put("spring.datasource.url", db.jdbcUrl());
        database.put("spring.datasource.username", db.user());
        database.put("spring.datasource.password", db.password());
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("quantarena.threads", 2);
        // two evaluations at once, so that concurrent evaluations really run side by side
        extra.put("spring.cloud.stream.bindings.evaluateRequests-in-0.consumer.concurrency", 2);
        extra.put("quantarena.uploads.max-size", UPLOAD_LIMIT_BYTES + "B");
        extra.put("quantarena.gateway.max-upload-bytes", UPLOAD_LIMIT_BYTES);
        extra.put("quantarena.gateway.api-keys", API_KEY);
        extra.put("quantarena.serve.parallel", SERVE_SLOTS);
        extra.put("quantarena.serve.queue-size", SERVE_QUEUE);
        LocalCluster cluster = LocalCluster.start(ClusterSettings.randomPorts(sharedModels(), store, extra),
                database, TestInfrastructure.kafkaBootstrapServers(),
                Map.of(ServiceKind.QUANT_WORKER, List.of(FaultInjection.class)));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            deleteQuietly(store);
        }, "test-cluster-stop"));
        return new TestCluster(db, store, cluster);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the OS cleans it up eventually
        }
    }
}
