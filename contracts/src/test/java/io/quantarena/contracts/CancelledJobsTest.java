package io.quantarena.contracts;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CancelledJobsTest {

    @Test
    void remembersTheMostRecentCancelsOnly() {
        CancelledJobs jobs = new CancelledJobs();
        UUID first = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        jobs.cancel(first);
        assertThat(jobs.isCancelled(first)).isTrue();
        assertThat(jobs.isCancelled(other)).isFalse();
        UUID last = null;
        for (int i = 0; i < CancelledJobs.REMEMBERED; i++) {
            last = UUID.randomUUID();
            jobs.cancel(last);
        }
        assertThat(jobs.isCancelled(first)).isFalse();
        assertThat(jobs.isCancelled(last)).isTrue();
    }
}
