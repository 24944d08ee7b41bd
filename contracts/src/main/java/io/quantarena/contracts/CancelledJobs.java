package io.quantarena.contracts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The job ids whose {@link JobControl.Action#CANCEL} a worker has seen on {@link Topics#JOB_CONTROL}: the most
 * recent ones only (older ids belong to jobs long finished). Thread-safe.
 */
public final class CancelledJobs {

    static final int REMEMBERED = 10_000;

    private final Set<UUID> cancelled = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            }));

    public void cancel(UUID jobId) {
        cancelled.add(jobId);
    }

    public boolean isCancelled(UUID jobId) {
        return cancelled.contains(jobId);
    }
}
