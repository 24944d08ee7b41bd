package io.quantarena.infra;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** A single-node Kafka (KRaft, broker and controller in one) running inside this JVM. */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private final KafkaRaftServer server;
    private final int port;
    private final Path logDir;
    private final boolean deleteOnClose;

    private EmbeddedKafkaBroker(KafkaRaftServer server, int port, Path logDir, boolean deleteOnClose) {
        this.server = server;
        this.port = port;
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * Starts the broker on {@code port} (0 picks a free port), formatting {@code logDir} on first use;
     * a directory formatted before keeps its topics and offsets.
     *
     * @param logDir null for a temporary directory removed on close
     */
    public static EmbeddedKafkaBroker start(int port, Path logDir) {
        boolean temporary = logDir == null;
        try {
            Path dir = temporary ? Files.createTempDirectory("quantarena-kafka") : logDir;
            Files.createDirectories(dir);
            int brokerPort = port == 0 ? FreePorts.find() : port;
            // a kept log directory must see the same controller address again
            int controllerPort = port == 0 ? FreePorts.find() : port + 1;
            Map<String, Object> props = config(brokerPort, controllerPort, dir);
            KafkaConfig config = new KafkaConfig(props, false);
            if (!Files.exists(dir.resolve("meta.properties"))) {
                format(dir);
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            return new EmbeddedKafkaBroker(server, brokerPort, dir, temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka log directory " + logDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start embedded Kafka on port " + port + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> config(int brokerPort, int controllerPort, Path dir) {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.toString());
        p.put("metadata.log.dir", dir.toString());
        // one node: every internal topic has one replica; few partitions keep start-up fast
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.flush.interval.messages", "1000000");
        return p;
    }

    private static void format(Path dir) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(java.util.List.of(dir.toString()))
                .setMetadataLogDirectory(dir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setControllerListenerName("CONTROLLER")
                .run();
    }

    public int port() {
        return port;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            try {
                deleteRecursively(logDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove Kafka log directory " + logDir, e);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
