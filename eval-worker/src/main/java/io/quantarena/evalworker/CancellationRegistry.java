package io.quantarena.evalworker;

import org.springframework.stereotype.Component;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Job ids whose cancel this worker has seen on job.control (the most recent ones; older ids are long finished). */
@Component
public class CancellationRegistry {

    private static final int REMEMBERED = 10_000;

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
