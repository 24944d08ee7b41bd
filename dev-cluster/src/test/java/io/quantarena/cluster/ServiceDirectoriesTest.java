package io.quantarena.cluster;

import io.quantarena.contracts.files.MissingDirectoryException;
import io.quantarena.evalworker.EvalWorkerProperties;
import io.quantarena.inferenceworker.InferenceWorkerProperties;
import io.quantarena.jobs.directories.DirectoryProperties;
import io.quantarena.quantworker.QuantWorkerProperties;
import io.quantarena.testinfra.PostgresEndpoint;
import io.quantarena.testinfra.TestInfrastructure;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The directories of every service that reads files, as a service started alone gets them: its own
 * {@code <name>.yml} and nothing else gives absolute directories under {@code ~/.quantarena} (never the
 * development layout's {@code ../shared}), and a models directory that does not exist stops the start
 * with a message naming the property, the value and what belongs there.
 */
class ServiceDirectoriesTest {

    /** Each service's binding of {@code quantarena.*}. */
    private static final Map<ServiceKind, Class<? extends Record>> PROPERTIES = Map.of(
            ServiceKind.JOB_SERVICE, DirectoryProperties.class,
            ServiceKind.QUANT_WORKER, QuantWorkerProperties.class,
            ServiceKind.EVAL_WORKER, EvalWorkerProperties.class,
            ServiceKind.INFERENCE_WORKER, InferenceWorkerProperties.class);

    @ParameterizedTest
    @EnumSource(value = ServiceKind.class, names = "API_GATEWAY", mode = EnumSource.Mode.EXCLUDE)
    void withNoSettingsTheDirectoriesAreAbsoluteAndUnderTheQuantarenaHome(ServiceKind kind) throws Exception {
        Map<String, String> dirs = directories(boundWithoutOverrides(kind));
        Path home = Path.of(System.getProperty("user.home"), ".quantarena");
        Map<String, String> expected = new TreeMap<>(Map.of("modelsDir", home.resolve("models").toString(),
                "storeDir", home.resolve("store").toString()));
        if (kind != ServiceKind.INFERENCE_WORKER) {
            expected.put("datasetsDir", home.resolve("datasets").toString());
        }
        assertThat(dirs).as(kind.serviceName()).isEqualTo(expected);
        assertThat(dirs.values()).as(kind.serviceName()).allMatch(d -> Path.of(d).isAbsolute())
                .noneMatch(d -> d.contains("shared") || d.contains(".."));
    }

    @ParameterizedTest
    @EnumSource(value = ServiceKind.class, names = "API_GATEWAY", mode = EnumSource.Mode.EXCLUDE)
    void aMissingModelsDirectoryStopsTheStartNamingThePropertyAndValue(ServiceKind kind, @TempDir Path tmp) {
        String missing = tmp.resolve("no-models").toString();
        List<String> args = new ArrayList<>(List.of("--spring.config.name=" + kind.serviceName(), "--server.port=0",
                "--spring.autoconfigure.exclude=" + String.join(",", kind.excludedAutoConfigurations()),
                // never reached: the start stops before the bindings connect
                "--spring.cloud.stream.kafka.binder.brokers=localhost:1",
                "--quantarena.models-dir=" + missing, "--quantarena.datasets-dir=" + tmp,
                "--quantarena.store-dir=" + tmp.resolve("store")));
        if (kind == ServiceKind.JOB_SERVICE) {
            PostgresEndpoint db = TestInfrastructure.freshDatabase("directories");
            args.addAll(List.of("--spring.datasource.url=" + db.jdbcUrl(), "--spring.datasource.username=" + db.user(),
                    "--spring.datasource.password=" + db.password()));
        }
        assertThatThrownBy(() -> new SpringApplicationBuilder(kind.application()).registerShutdownHook(false)
                .run(args.toArray(String[]::new)).close())
                .as(kind.serviceName())
                .rootCause().isInstanceOf(MissingDirectoryException.class)
                .hasMessageContaining("quantarena.models-dir is '" + missing + "', which is not an existing directory")
                .hasMessageContaining("expected the base models (*.gguf files)")
                .hasMessageContaining("QUANTARENA_MODELSDIR");
    }

    /** {@code <name>.yml} alone: system properties resolve {@code ${user.home}}, environment variables are overrides. */
    private static Record boundWithoutOverrides(ServiceKind kind) throws IOException {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        String yml = kind.serviceName() + ".yml";
        new YamlPropertySourceLoader().load(yml, new ClassPathResource(yml)).forEach(env.getPropertySources()::addLast);
        return Binder.get(env).bind("quantarena", PROPERTIES.get(kind)).get();
    }

    /** The record's {@code *Dir} components by name. */
    private static Map<String, String> directories(Record properties) throws ReflectiveOperationException {
        Map<String, String> dirs = new TreeMap<>();
        for (RecordComponent c : properties.getClass().getRecordComponents()) {
            if (c.getName().endsWith("Dir")) {
                dirs.put(c.getName(), (String) c.getAccessor().invoke(properties));
            }
        }
        return dirs;
    }
}
