package io.quantarena.jobs.web;

import org.springframework.http.HttpStatus;

import java.util.Map;

/**
 * A request the API refuses, answered as RFC 9457 problem+json.
 *
 * @param properties extra members of the problem (e.g. {@code field}, {@code allowed})
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String title;
    private final Map<String, Object> properties;

    public ApiException(HttpStatus status, String title, String detail, Map<String, Object> properties) {
        super(detail);
        this.status = status;
        this.title = title;
        this.properties = Map.copyOf(properties);
    }

    public static ApiException invalidField(String field, String detail, Map<String, Object> more) {
        java.util.Map<String, Object> p = new java.util.LinkedHashMap<>(more);
        p.put("field", field);
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", detail, p);
    }

    public static ApiException notFound(String what, String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, what + " not found", detail, Map.of());
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, "Conflict", detail, Map.of());
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
