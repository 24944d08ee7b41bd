package io.quantarena.quantworker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressThrottleTest {

    @Test
    void reportsTheFirstStepThenAtMostOnePerIntervalAndAlwaysTheLast() {
        long[] now = {0};
        ProgressThrottle throttle = new ProgressThrottle(Duration.ofMillis(250), () -> now[0]);
        List<Integer> reported = new ArrayList<>();
        for (int done = 1; done <= 20; done++) {
            now[0] = done * 100_000_000L; // a step every 100 ms
            if (throttle.shouldReport(done, 20)) {
                reported.add(done);
            }
        }
        assertThat(reported).containsExactly(1, 4, 7, 10, 13, 16, 19, 20);
    }

    @Test
    void aJobOfOneStepReportsIt() {
        ProgressThrottle throttle = new ProgressThrottle(Duration.ofSeconds(1), () -> 5L);
        assertThat(throttle.shouldReport(1, 1)).isTrue();
    }
}
