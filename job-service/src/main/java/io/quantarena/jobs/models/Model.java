package io.quantarena.jobs.models;

import java.time.Instant;

/** A registered base model. */
public record Model(long id, String name, String architecture, long parameterCount, String fileName,
                    long fileBytes, String sha256, Instant registeredAt) {
}
