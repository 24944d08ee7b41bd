package io.quantarena.db;

import io.quantarena.testinfra.PostgresEndpoint;
import io.quantarena.testinfra.TestInfrastructure;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationsTest {

    @Test
    void migrationsBuildTheWholeSchemaOnAnEmptyDatabaseAndRerunAsNoOp() throws Exception {
        PostgresEndpoint db = TestInfrastructure.freshDatabase("migrations");
        Flyway flyway = Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations("classpath:db/migration").load();

        MigrateResult first = flyway.migrate();
        MigrateResult second = flyway.migrate();

        assertThat(first.migrationsExecuted).isEqualTo(5);
        assertThat(second.migrationsExecuted).isZero();
        assertThat(tables(db)).containsExactlyInAnyOrder("artifacts", "evaluations", "flyway_schema_history", "imatrices",
                "job_events", "jobs", "models", "outbox", "quants", "serve_results");
    }

    @Test
    void theSchemaRefusesASecondQuantForTheSameJob() throws Exception {
        PostgresEndpoint db = TestInfrastructure.freshDatabase("quant_per_job");
        Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password()).load().migrate();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            c.createStatement().execute("""
                    INSERT INTO models (name, architecture, parameter_count, file_name, file_bytes, sha256)
                    VALUES ('m', 'llama', 10, 'm.gguf', 100, repeat('a', 64));
                    INSERT INTO artifacts (kind, path, bytes, sha256) VALUES ('gguf', 'q/m.gguf', 50, repeat('b', 64));
                    INSERT INTO jobs (id, type, status, model_id, request)
                    VALUES ('00000000-0000-0000-0000-000000000001', 'QUANTIZE', 'SUCCEEDED', 1, '{}');
                    INSERT INTO quants (job_id, model_id, name, ftype, recipe, artifact_id, size_bytes, bits_per_weight, tensor_types, origin)
                    VALUES ('00000000-0000-0000-0000-000000000001', 1, 'm-Q8_0', 'Q8_0', 'r', 1, 50, 8.5, '{}', 'produced');
                    """);
            assertThatThrownBy(() -> c.createStatement().execute("""
                    INSERT INTO quants (job_id, model_id, name, ftype, recipe, artifact_id, size_bytes, bits_per_weight, tensor_types, origin)
                    VALUES ('00000000-0000-0000-0000-000000000001', 1, 'm-Q8_0', 'Q8_0', 'r', 1, 50, 8.5, '{}', 'produced')"""))
                    .hasMessageContaining("quants_job_id_key");
        }
    }

    private static List<String> tables(PostgresEndpoint db) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[]{"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }
}
