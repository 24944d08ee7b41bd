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

        int pending = flyway.info().pending().length;
        MigrateResult first = flyway.migrate();
        MigrateResult second = flyway.migrate();

        // V1..V4 (models, jobs, quants, recipes/imatrices), V20 (evaluation results), V30 (serve results)
        assertThat(pending).isEqualTo(6);
        assertThat(first.migrationsExecuted).isEqualTo(pending);
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

    @Test
    void evaluationsOfTheBaseModelNeedNoQuantButKlDivergenceNeedsItsBaseLogits() throws Exception {
        PostgresEndpoint db = TestInfrastructure.freshDatabase("evaluations");
        Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password()).load().migrate();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            c.createStatement().execute("""
                    INSERT INTO models (name, architecture, parameter_count, file_name, file_bytes, sha256)
                    VALUES ('m', 'llama', 10, 'm.gguf', 100, repeat('a', 64));
                    INSERT INTO evaluations (model_id, dataset, dataset_sha256, n_ctx, chunks, ppl, tool_version)
                    VALUES (1, 'wiki.test.raw', repeat('c', 64), 512, 2, 98.2, 'test');
                    """);
            assertThatThrownBy(() -> c.createStatement().execute("""
                    INSERT INTO evaluations (model_id, dataset, dataset_sha256, n_ctx, chunks, ppl, tool_version, kl_divergence, kld_mean)
                    VALUES (1, 'wiki.test.raw', repeat('c', 64), 512, 2, 98.2, 'test', true, 0.01)"""))
                    .hasMessageContaining("evaluations_kld_needs_base_logits");
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
