package io.quantarena.testinfra;

import io.quantarena.infra.EmbeddedKafkaBroker;
import io.quantarena.infra.EmbeddedPostgresServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way integration tests get PostgreSQL and Kafka: Testcontainers when a Docker daemon is
 * reachable, otherwise embedded PostgreSQL (zonky) and an in-JVM KRaft broker. Both are started once
 * per JVM and stopped when it exits. {@code -Dquantarena.test.infra=containers|embedded} forces a mode.
 */
public final class TestInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);
    private static final String POSTGRES_IMAGE = "postgres:17-alpine";
    private static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static Backend backend;

    private TestInfrastructure() {
    }

    /** The server's default database (shared by every test of this JVM). */
    public static synchronized PostgresEndpoint postgres() {
        return backend().postgres;
    }

    /** A new, empty database on the shared server: for tests that must not see others' rows. */
    public static PostgresEndpoint freshDatabase(String prefix) {
        PostgresEndpoint admin = postgres();
        String name = (prefix + "_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid())
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password())) {
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + admin.jdbcUrl(), e);
        }
        String url = admin.jdbcUrl().replaceFirst("/[^/?]+(\\?.*)?$", "/" + name + "$1");
        return new PostgresEndpoint(url, admin.user(), admin.password());
    }

    public static synchronized String kafkaBootstrapServers() {
        return backend().kafkaBootstrapServers;
    }

    /** Spring properties that point a service at {@code database} and the shared Kafka. */
    public static Map<String, Object> springProperties(PostgresEndpoint database) {
        Map<String, Object> p = new LinkedHashMap<>(kafkaProperties());
        p.put("spring.datasource.url", database.jdbcUrl());
        p.put("spring.datasource.username", database.user());
        p.put("spring.datasource.password", database.password());
        return p;
    }

    /** Spring properties that point a service at the shared Kafka. */
    public static Map<String, Object> kafkaProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.cloud.stream.kafka.binder.brokers", kafkaBootstrapServers());
        p.put("spring.kafka.bootstrap-servers", kafkaBootstrapServers());
        return p;
    }

    /** Which kind of infrastructure this JVM uses: {@code containers} or {@code embedded}. */
    public static synchronized String mode() {
        return backend().mode;
    }

    private static synchronized Backend backend() {
        if (backend == null) {
            backend = start();
            Runtime.getRuntime().addShutdownHook(new Thread(backend.stopper, "test-infra-stop"));
        }
        return backend;
    }

    private static Backend start() {
        String forced = System.getProperty("quantarena.test.infra", "auto");
        boolean containers = switch (forced) {
            case "containers" -> true;
            case "embedded" -> false;
            case "auto" -> dockerAvailable();
            default -> throw new IllegalArgumentException("quantarena.test.infra=" + forced
                    + " is not one of auto, containers, embedded");
        };
        long t0 = System.nanoTime();
        Backend b = containers ? startContainers() : startEmbedded();
        log.info("test infrastructure ({}) ready in {} ms: {} and Kafka at {}", b.mode,
                (System.nanoTime() - t0) / 1_000_000, b.postgres.jdbcUrl(), b.kafkaBootstrapServers);
        return b;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @SuppressWarnings("resource") // stopped by the shutdown hook
    private static Backend startContainers() {
        PostgreSQLContainer pg = new PostgreSQLContainer(POSTGRES_IMAGE);
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
        pg.start();
        kafka.start();
        return new Backend("containers", new PostgresEndpoint(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword()),
                kafka.getBootstrapServers(), () -> {
            kafka.stop();
            pg.stop();
        });
    }

    private static Backend startEmbedded() {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(0, null, false);
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(0, null);
        return new Backend("embedded", new PostgresEndpoint(pg.jdbcUrl(), pg.user(), pg.password()),
                kafka.bootstrapServers(), () -> {
            kafka.close();
            pg.close();
        });
    }

    private record Backend(String mode, PostgresEndpoint postgres, String kafkaBootstrapServers, Runnable stopper) {
    }
}
