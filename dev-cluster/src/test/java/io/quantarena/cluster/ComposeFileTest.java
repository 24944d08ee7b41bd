package io.quantarena.cluster;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot run here (no Docker daemon), so this test reads it and checks it against
 * the services themselves: every service is there and built from the repo, its port is the one its
 * {@code <name>.yml} configures, every environment variable overrides a property the service really has,
 * and the connection settings point at the compose PostgreSQL, Kafka and job-service.
 */
class ComposeFileTest {

    private static final Path REPO = Path.of(System.getProperty("quantarena.repo", "..")).toAbsolutePath().normalize();
    private static final Map<String, Object> COMPOSE = yaml(REPO.resolve("docker-compose.yml"));

    @Test
    void everyServiceIsBuiltFromTheRepoAndPublishesItsConfiguredPort() {
        for (ServiceKind kind : ServiceKind.values()) {
            Map<String, Object> service = service(kind.serviceName());
            Map<String, Object> build = map(service.get("build"), kind + " build");
            assertThat(REPO.resolve((String) build.get("context")).resolve((String) build.get("dockerfile"))).isRegularFile();
            assertThat(map(build.get("args"), "build args")).containsEntry("SERVICE", kind.serviceName());
            assertThat(REPO.resolve(kind.serviceName()).resolve("pom.xml")).as("module of " + kind).isRegularFile();
            String port = properties(kind).get("server.port");
            assertThat(port).as(kind + " server.port").isNotBlank();
            assertThat(list(service.get("ports"))).as(kind + " ports").contains(port + ":" + port);
        }
    }

    @Test
    void infrastructureIsPostgres17AndKafkaInKraftMode() {
        assertThat((String) service("postgres").get("image")).startsWith("postgres:17");
        Map<String, Object> kafka = service("kafka");
        assertThat((String) kafka.get("image")).startsWith("apache/kafka:");
        assertThat(env("kafka").get("KAFKA_PROCESS_ROLES")).contains("broker").contains("controller");
        assertThat(COMPOSE.get("services").toString()).doesNotContainIgnoringCase("zookeeper");
    }

    @Test
    void everyEnvironmentVariableOverridesAPropertyTheServiceHas() {
        for (ServiceKind kind : ServiceKind.values()) {
            Set<String> known = properties(kind).keySet().stream().map(ComposeFileTest::envName).collect(Collectors.toSet());
            for (String variable : env(kind.serviceName()).keySet()) {
                assertThat(known).as("%s sets %s, which matches no property in %s.yml", kind.serviceName(), variable,
                        kind.serviceName()).contains(variable);
            }
        }
    }

    @Test
    void jobServiceReachesTheComposePostgres() {
        Map<String, String> env = env("job-service");
        Map<String, String> pg = env("postgres");
        URI url = URI.create(env.get("SPRING_DATASOURCE_URL").substring("jdbc:".length()));
        assertThat(url.getScheme()).isEqualTo("postgresql");
        assertThat(url.getHost()).isEqualTo("postgres");
        assertThat(url.getPort()).isEqualTo(5432);
        assertThat(url.getPath()).isEqualTo("/" + pg.get("POSTGRES_DB"));
        assertThat(env.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(pg.get("POSTGRES_USER"));
        assertThat(env.get("SPRING_DATASOURCE_PASSWORD")).isEqualTo(pg.get("POSTGRES_PASSWORD"));
        assertThat(dependsOn("job-service")).contains("postgres", "kafka");
    }

    @Test
    void everyKafkaClientUsesTheBrokersAdvertisedListener() {
        String advertised = env("kafka").get("KAFKA_ADVERTISED_LISTENERS");
        for (ServiceKind kind : ServiceKind.values()) {
            if (properties(kind).containsKey("spring.cloud.stream.kafka.binder.brokers")) {
                String brokers = env(kind.serviceName()).get("SPRING_CLOUD_STREAM_KAFKA_BINDER_BROKERS");
                assertThat(brokers).as(kind + " brokers").isNotBlank();
                assertThat(advertised).as(kind + " brokers " + brokers).contains("://" + brokers);
                assertThat(dependsOn(kind.serviceName())).as(kind + " depends_on").contains("kafka");
            }
        }
    }

    @Test
    void theGatewayRoutesToJobServicesPort() {
        String port = properties(ServiceKind.JOB_SERVICE).get("server.port");
        assertThat(env("api-gateway").get("QUANTARENA_GATEWAY_JOBSERVICEURL")).isEqualTo("http://job-service:" + port);
        assertThat(properties(ServiceKind.API_GATEWAY).get("spring.cloud.gateway.server.webmvc.routes[0].uri"))
                .isEqualTo("${quantarena.gateway.job-service-url}");
        assertThat(dependsOn("api-gateway")).contains("job-service");
    }

    @Test
    void modelsDatasetsAndStoreAreMountedWhereTheServicesLook() {
        // every service that reads base models must be told where they are: the defaults (~/.quantarena) are not in the image
        for (String name : List.of("job-service", "quant-worker", "eval-worker", "inference-worker")) {
            String modelsDir = env(name).get("QUANTARENA_MODELSDIR");
            assertThat(modelsDir).as(name).isNotBlank();
            assertThat(list(service(name).get("volumes"))).as(name).anyMatch(v -> v.endsWith(":" + modelsDir + ":ro"));
            assertThat(env(name).get("QUANTARENA_STOREDIR")).as(name).isEqualTo(env("quant-worker").get("QUANTARENA_STOREDIR"));
        }
        String storeDir = env("quant-worker").get("QUANTARENA_STOREDIR");
        assertThat(list(service("quant-worker").get("volumes"))).anyMatch(v -> v.endsWith(":" + storeDir));
        // job-service reads imatrix files of the store (to plan i-quant requests) and lists the datasets
        assertThat(env("job-service").get("QUANTARENA_STOREDIR")).isEqualTo(storeDir);
        assertThat(list(service("job-service").get("volumes"))).anyMatch(v -> v.startsWith("quant-store:" + storeDir));
        for (String name : List.of("job-service", "quant-worker", "eval-worker")) {
            String datasetsDir = env(name).get("QUANTARENA_DATASETSDIR");
            assertThat(datasetsDir).as(name).isNotBlank();
            assertThat(list(service(name).get("volumes"))).as(name).anyMatch(v -> v.endsWith(":" + datasetsDir + ":ro"));
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** Spring's environment-variable form of a property: dots to underscores, dashes dropped, upper case. */
    static String envName(String property) {
        return property.replace("-", "").replace('.', '_').replace("[", "_").replace("]", "").toUpperCase(Locale.ROOT);
    }

    private static Map<String, String> properties(ServiceKind kind) {
        try (InputStream in = ComposeFileTest.class.getClassLoader().getResourceAsStream(kind.serviceName() + ".yml")) {
            assertThat(in).as(kind.serviceName() + ".yml on the class path").isNotNull();
            Map<String, String> flat = new LinkedHashMap<>();
            flatten("", new Yaml().load(in), flat);
            return flat;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Map<String, String> out) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, out));
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                flatten(prefix + "[" + i + "]", l.get(i), out);
            }
        } else {
            out.put(prefix, String.valueOf(node));
        }
    }

    private static Map<String, Object> service(String name) {
        Map<String, Object> services = map(COMPOSE.get("services"), "services");
        assertThat(services).as("compose services").containsKey(name);
        return map(services.get(name), name);
    }

    private static Map<String, String> env(String name) {
        Map<String, String> env = new LinkedHashMap<>();
        Object e = service(name).get("environment");
        if (e != null) {
            map(e, name + " environment").forEach((k, v) -> env.put(k, String.valueOf(v)));
        }
        return env;
    }

    private static List<String> dependsOn(String name) {
        Object d = service(name).get("depends_on");
        if (d instanceof Map<?, ?> m) {
            return m.keySet().stream().map(String::valueOf).toList();
        }
        return list(d);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        assertThat(o).as(what).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    private static List<String> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return ((List<?>) o).stream().map(String::valueOf).toList();
    }

    private static Map<String, Object> yaml(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            return new Yaml().load(r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
    }
}
