package io.quantarena.jobs.models;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

@Repository
public class ModelRepository {

    private static final RowMapper<Model> ROW = (rs, i) -> new Model(rs.getLong("id"), rs.getString("name"),
            rs.getString("architecture"), rs.getLong("parameter_count"), rs.getString("file_name"),
            rs.getLong("file_bytes"), rs.getString("sha256"),
            rs.getObject("registered_at", OffsetDateTime.class).toInstant());

    private final JdbcClient jdbc;

    public ModelRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<Model> findAll() {
        return jdbc.sql("SELECT * FROM models ORDER BY name").query(ROW).list();
    }

    public Optional<Model> findByName(String name) {
        return jdbc.sql("SELECT * FROM models WHERE name = ?").param(name).query(ROW).optional();
    }

    public Optional<Model> findById(long id) {
        return jdbc.sql("SELECT * FROM models WHERE id = ?").param(id).query(ROW).optional();
    }

    public Optional<Model> findByFileName(String fileName) {
        return jdbc.sql("SELECT * FROM models WHERE file_name = ?").param(fileName).query(ROW).optional();
    }

    public boolean nameTaken(String name) {
        return findByName(name).isPresent();
    }

    /** Registers a model unless one with the same name or file is there already; true when inserted. */
    public boolean insertIfAbsent(String name, String architecture, long parameterCount, String fileName,
                                  long fileBytes, String sha256) {
        return jdbc.sql("""
                        INSERT INTO models (name, architecture, parameter_count, file_name, file_bytes, sha256)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(name, architecture, parameterCount, fileName, fileBytes, sha256)
                .update() == 1;
    }
}
