package io.quantarena.jobs.jobs;

import java.time.Instant;
import java.util.UUID;

/** A job as the API shows it. {@code error} is the worker's message when FAILED. */
public record Job(UUID id, JobType type, JobStatus status, String model, String ftype, double progress,
                  String stage, String error, Instant createdAt, Instant updatedAt, Instant startedAt,
                  Instant finishedAt) {
}
