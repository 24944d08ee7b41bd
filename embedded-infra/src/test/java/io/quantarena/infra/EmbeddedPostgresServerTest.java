package io.quantarena.infra;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedPostgresServerTest {

    @Test
    void dataSurvivesARestartWhenKept(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(0, data, true);
             var c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            c.createStatement().execute("create table kept(v int); insert into kept values (42)");
        }
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(0, data, true);
             var c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
             var rs = c.createStatement().executeQuery("select v from kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }
}
