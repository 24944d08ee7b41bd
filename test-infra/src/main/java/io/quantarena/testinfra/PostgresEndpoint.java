package io.quantarena.testinfra;

/** How to reach one PostgreSQL database. */
public record PostgresEndpoint(String jdbcUrl, String user, String password) {
}
