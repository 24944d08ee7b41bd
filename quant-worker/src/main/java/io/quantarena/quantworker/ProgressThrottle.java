package io.quantarena.quantworker;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Decides which progress steps become PROGRESS events: the first, then at most one per interval,
 * and always the last, so a job of many small tensors does not flood job.events.
 */
final class ProgressThrottle {

    static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);

    private final long intervalNanos;
    private final LongSupplier clock;
    private long lastSent;
    private boolean sentAny;

    ProgressThrottle(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.clock = nanoClock;
    }

    static ProgressThrottle standard() {
        return new ProgressThrottle(DEFAULT_INTERVAL, System::nanoTime);
    }

    /** Whether step {@code done} of {@code total} should be reported. */
    boolean shouldReport(int done, int total) {
        long now = clock.getAsLong();
        if (done >= total || !sentAny || now - lastSent >= intervalNanos) {
            sentAny = true;
            lastSent = now;
            return true;
        }
        return false;
    }
}
