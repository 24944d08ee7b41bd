package io.quantarena.contracts;

import java.util.Objects;
import java.util.UUID;

/** A control message for a running job on {@link Topics#JOB_CONTROL}. */
public record JobControl(UUID jobId, Action action) {
    public enum Action { CANCEL }

    public JobControl {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(action, "action");
    }
}
