package io.quantarena.contracts;

/** What a worker reports about a job. */
public enum JobEventType {
    STARTED, PROGRESS, SUCCEEDED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
