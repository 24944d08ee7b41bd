package io.quantarena.testinfra;

import io.quantarena.infra.EmbeddedKafkaBroker;
import io.quantarena.infra.EmbeddedPostgresServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The one way integration tests get PostgreSQL and Kafka: Testcontainers when a Docker daemon is
 * reachable, otherwise embedded PostgreSQL (zonky) and an in-JVM KRaft broker. Both are started once
 * per JVM, each on first use, and stopped when it exits. {@code -Dquantarena.test.infra=containers|embedded} forces a mode.
 */
public final class TestInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);
    private static final String POSTGRES_IMAGE = "postgres:17-alpine";
    private static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static Boolean useContainers;
    private static PostgresEndpoint postgres;
    private static String kafkaBootstrapServers;

    private TestInfrastructure() {
    }

    /** The server's default database (shared by every test of this JVM). */
    public static synchronized PostgresEndpoint postgres() {
        if (postgres == null) {
            postgres = time("PostgreSQL", containers() ? TestInfrastructure::startPostgresContainer : TestInfrastructure::startEmbeddedPostgres);
        }
        return postgres;
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
        if (kafkaBootstrapServers == null) {
            kafkaBootstrapServers = time("Kafka", containers() ? TestInfrastructure::startKafkaContainer : TestInfrastructure::startEmbeddedKafka);
        }
        return kafkaBootstrapServers;
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
        return containers() ? "containers" : "embedded";
    }

    private static synchronized boolean containers() {
        if (useContainers == null) {
            String forced = System.getProperty("quantarena.test.infra", "auto");
            useContainers = switch (forced) {
                case "containers" -> true;
                case "embedded" -> false;
                case "auto" -> dockerAvailable();
                default -> throw new IllegalArgumentException("quantarena.test.infra=" + forced
                        + " is not one of auto, containers, embedded");
            };
            log.info("test infrastructure: {}", useContainers ? "Testcontainers (Docker found)" : "embedded (no Docker)");
        }
        return useContainers;
    }

    /** Asks Testcontainers only when a Docker endpoint could exist (it logs errors while probing). */
    private static boolean dockerAvailable() {
        String home = System.getProperty("user.home");
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        boolean endpoint = System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(home, ".docker", "run", "docker.sock"))
                || Files.exists(Path.of(home, ".testcontainers.properties"))
                || (runtimeDir != null && Files.exists(Path.of(runtimeDir, "docker.sock")));
        if (!endpoint) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static <T> T time(String what, Supplier<T> start) {
        long t0 = System.nanoTime();
        T started = start.get();
        log.info("{} for tests ready in {} ms: {}", what, (System.nanoTime() - t0) / 1_000_000, started);
        return started;
    }

    @SuppressWarnings("resource") // stopped when the JVM exits
    private static PostgresEndpoint startPostgresContainer() {
        PostgreSQLContainer pg = new PostgreSQLContainer(POSTGRES_IMAGE);
        pg.start();
        Runtime.getRuntime().addShutdownHook(new Thread(pg::stop, "test-postgres-stop"));
        return new PostgresEndpoint(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword());
    }

    @SuppressWarnings("resource")
    private static String startKafkaContainer() {
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "test-kafka-stop"));
        return kafka.getBootstrapServers();
    }

    private static PostgresEndpoint startEmbeddedPostgres() {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(0, null, false);
        Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "test-postgres-stop"));
        return new PostgresEndpoint(pg.jdbcUrl(), pg.user(), pg.password());
    }

    private static String startEmbeddedKafka() {
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(0, null);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "test-kafka-stop"));
        return kafka.bootstrapServers();
    }
}
